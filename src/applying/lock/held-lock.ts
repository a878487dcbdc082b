import { ZakenakError } from "../../errors.js";
import type { KubeClient } from "../../kube/kube-client.js";
import type { KubeObject } from "../../model/kube-object.js";
import { isKubeError, isWriteConflict } from "./kube-error-code.js";
import { buildLease, leaseSpec, lockRef, resourceVersionOf, uidOf } from "./lock-lease.js";
import { parseKubeTime } from "./micro-time.js";
import { lockInfoFromLease } from "./read-lock.js";

export interface HeldLockInit {
  environment: string;
  holder: string;
  description: string;
  leaseSeconds: number;
  /** The Lease as written by the acquiring create or replace. */
  lease: KubeObject;
  /** When the acquiring write was sent: the lease counts as ours from then, not from its reply. */
  confirmedAt: number;
  onLost?: (reason: string) => void;
}

/** An environment lock held by this process: renewed in the background until released or lost. */
export class HeldLock {
  readonly environment: string;
  readonly holder: string;
  readonly description: string;
  readonly leaseSeconds: number;
  readonly #client: KubeClient;
  readonly #onLost?: (reason: string) => void;
  #lease: KubeObject;
  #confirmedAt: number;
  #lostReason: string | undefined;
  #lastError: unknown;
  #released = false;
  #renewing: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(client: KubeClient, init: HeldLockInit) {
    this.#client = client;
    this.environment = init.environment;
    this.holder = init.holder;
    this.description = init.description;
    this.leaseSeconds = init.leaseSeconds;
    this.#lease = init.lease;
    this.#confirmedAt = init.confirmedAt;
    this.#onLost = init.onLost;
    // A third of the duration leaves two more chances before the lease expires if one renewal fails.
    this.#timer = setInterval(() => void this.renew(), (init.leaseSeconds * 1000) / 3);
    // The lock must never be what keeps a finished CLI process alive.
    this.#timer.unref();
  }

  /** True once someone else took the lock over or it was deleted (a forced unlock). */
  get lost(): boolean {
    return this.#lostReason !== undefined;
  }

  get lostReason(): string | undefined {
    return this.#lostReason;
  }

  /** Renewal time last written by this holder. */
  get renewedAt(): Date | undefined {
    return parseKubeTime(leaseSpec(this.#lease).renewTime);
  }

  /**
   * Throws unless the lock is still ours: call before each step that must not run unlocked. Also throws
   * when renewals have failed for longer than the lease, as another holder may legitimately have it now.
   */
  assertHeld(): void {
    const env = this.environment;
    if (this.#lostReason !== undefined) {
      throw new ZakenakError("lock-lost", `lock on environment ${env} was lost: ${this.#lostReason}`);
    }
    if (this.#released) throw new ZakenakError("lock-lost", `lock on environment ${env} was released`);
    const unconfirmedMs = Date.now() - this.#confirmedAt;
    if (unconfirmedMs > this.leaseSeconds * 1000) {
      const why = this.#lastError instanceof Error ? `: ${this.#lastError.message}` : "";
      throw new ZakenakError(
        "lock-lost",
        `lock on environment ${env} could not be renewed for ${Math.round(unconfirmedMs / 1000)} s${why}`,
        { cause: this.#lastError },
      );
    }
  }

  /** Renews now (the timer does this by itself); concurrent calls share one request. */
  renew(): Promise<void> {
    if (this.#released || this.#lostReason !== undefined) return Promise.resolve();
    this.#renewing ??= this.#renewOnce().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  /** Stops renewing and deletes the Lease if it is still ours; a lost lock is left to its new holder. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    clearInterval(this.#timer);
    await this.#renewing;
    if (this.#lostReason !== undefined) return;
    // KubeClient.delete has no preconditions, so first prove the Lease is ours with a renewal guarded by
    // resourceVersion: it also pushes expiry out, so nobody can take it over in the moment before the
    // delete short of a forced unlock.
    if ((await this.#writeRenewal()) === "ours") await this.#client.delete(lockRef(this.environment));
  }

  async #renewOnce(): Promise<void> {
    try {
      await this.#writeRenewal();
      this.#lastError = undefined;
    } catch (err) {
      // A transient failure (API server unavailable) is retried at the next tick; assertHeld reports it
      // once the lease could have expired.
      this.#lastError = err;
    }
  }

  /** Writes a new renewTime over the version we hold; on a race, re-reads to see who owns it now. */
  async #writeRenewal(): Promise<"ours" | "lost"> {
    const ref = lockRef(this.environment);
    let current = this.#lease;
    for (let attempt = 0; attempt < 3; attempt++) {
      const sentAt = Date.now();
      const spec = leaseSpec(current);
      try {
        this.#lease = await this.#client.replace(
          buildLease({
            environment: this.environment,
            holder: this.holder,
            description: this.description,
            leaseSeconds: this.leaseSeconds,
            acquireTime: parseKubeTime(spec.acquireTime) ?? new Date(sentAt),
            renewTime: new Date(sentAt),
            transitions: spec.leaseTransitions,
            resourceVersion: resourceVersionOf(current),
            uid: uidOf(current),
          }),
        );
        this.#confirmedAt = sentAt;
        return "ours";
      } catch (err) {
        if (isKubeError(err, "not-found")) return this.#markLost("the lock was deleted (forced unlock)");
        if (!isWriteConflict(err)) throw err;
      }
      const fresh = await this.#client.get(ref);
      if (!fresh) return this.#markLost("the lock was deleted (forced unlock)");
      const info = lockInfoFromLease(this.environment, fresh);
      if (info?.holder !== this.holder) {
        return this.#markLost(
          info ? `it is now held by ${info.description}` : "it was released by someone else",
        );
      }
      current = fresh;
    }
    throw new ZakenakError("internal", `lock on environment ${this.environment}: renewal kept conflicting`, {
      retryable: true,
    });
  }

  #markLost(reason: string): "lost" {
    if (this.#lostReason === undefined) {
      this.#lostReason = reason;
      clearInterval(this.#timer);
      this.#onLost?.(reason);
    }
    return "lost";
  }
}
