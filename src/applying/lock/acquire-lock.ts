import { setTimeout as delay } from "node:timers/promises";
import { ZakenakError } from "../../errors.js";
import type { KubeClient } from "../../kube/kube-client.js";
import type { KubeObject } from "../../model/kube-object.js";
import { HeldLock } from "./held-lock.js";
import { isWriteConflict } from "./kube-error-code.js";
import {
  buildLease,
  DEFAULT_LEASE_SECONDS,
  leaseSpec,
  lockRef,
  resourceVersionOf,
  uidOf,
} from "./lock-lease.js";
import { type LockInfo, lockInfoFromLease } from "./read-lock.js";
import { ensureSystemNamespace } from "./system-namespace.js";

export interface AcquireLockOptions {
  environment: string;
  /** Stable identity of the holder; a holder may take its own lock again (a retried job). */
  holder: string;
  /** Who or what holds it, shown to whoever finds it locked: `cli apply by alice on host/1234`. */
  description: string;
  /** Default 30. The lock is renewed every third of this and expires this long after a crash. */
  leaseSeconds?: number;
  /** How long to wait for another holder to let go; default 0: fail at once. */
  waitMs?: number;
  /** Between looks at a lock held by someone else; default 400. */
  pollMs?: number;
  /** Called when waiting starts and whenever the holder waited on changes. */
  onWait?: (current: LockInfo) => void;
  /** Called once if the lock is later found taken over or deleted. */
  onLost?: (reason: string) => void;
}

/**
 * Takes the environment's lock: creates its Lease, or takes over one that expired or is our own. Every
 * write carries the resourceVersion it read, so of two contenders exactly one wins.
 */
export async function acquireLock(client: KubeClient, opts: AcquireLockOptions): Promise<HeldLock> {
  const { environment, holder, description } = opts;
  const leaseSeconds = opts.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 1) {
    throw new ZakenakError(
      "usage",
      `lease duration must be a whole number of seconds ≥ 1, not ${leaseSeconds}`,
    );
  }
  const pollMs = opts.pollMs ?? 400;
  const deadline = Date.now() + (opts.waitMs ?? 0);
  const ref = lockRef(environment);
  await ensureSystemNamespace(client);
  let waitingOn: string | undefined;

  for (;;) {
    const existing = await client.get(ref);
    const sentAt = Date.now();
    const current = existing && lockInfoFromLease(environment, existing, new Date(sentAt));
    if (!existing || !current || current.expired || current.holder === holder) {
      const transitions = existing ? leaseSpec(existing).leaseTransitions : 0;
      const lease = buildLease({
        environment,
        holder,
        description,
        leaseSeconds,
        acquireTime: new Date(sentAt),
        renewTime: new Date(sentAt),
        transitions: current && current.holder !== holder ? transitions + 1 : transitions,
        resourceVersion: existing ? resourceVersionOf(existing) : undefined,
        uid: existing ? uidOf(existing) : undefined,
      });
      const written = await tryWrite(() => (existing ? client.replace(lease) : client.create(lease)));
      if (written) {
        return new HeldLock(client, {
          environment,
          holder,
          description,
          leaseSeconds,
          lease: written,
          confirmedAt: sentAt,
          onLost: opts.onLost,
        });
      }
      // Someone else wrote the Lease since we read it: look again at once to see who.
      continue;
    }
    if (Date.now() >= deadline) throw lockedError(current);
    const key = `${current.holder}\n${current.acquiredAt.getTime()}`;
    if (key !== waitingOn) {
      waitingOn = key;
      opts.onWait?.(current);
    }
    await delay(Math.max(0, Math.min(pollMs, deadline - Date.now())));
  }
}

async function tryWrite(write: () => Promise<KubeObject>): Promise<KubeObject | undefined> {
  try {
    return await write();
  } catch (err) {
    if (isWriteConflict(err)) return undefined;
    throw err;
  }
}

function lockedError(current: LockInfo): ZakenakError {
  return new ZakenakError(
    "locked",
    `environment ${current.environment} is locked by ${current.description} since ` +
      `${current.acquiredAt.toISOString()} (expires ${current.expiresAt.toISOString()}); ` +
      "wait, or run /unlock or zakenak unlock",
    // Worth trying again later: the holder lets go when done, or its lease expires.
    { retryable: true },
  );
}
