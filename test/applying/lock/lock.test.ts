import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireLock } from "../../../src/applying/lock/acquire-lock.js";
import { forceUnlock } from "../../../src/applying/lock/force-unlock.js";
import type { HeldLock } from "../../../src/applying/lock/held-lock.js";
import { buildLease, leaseSpec, lockRef } from "../../../src/applying/lock/lock-lease.js";
import { type LockInfo, readLock } from "../../../src/applying/lock/read-lock.js";
import { ensureSystemNamespace } from "../../../src/applying/lock/system-namespace.js";
import { waitUntil } from "../../../src/control-plane/wait-until.js";
import { isZakenakError } from "../../../src/errors.js";
import type { ConnectedKubeClient } from "../../../src/kube/connect-kube.js";
import { connectTestKube, uniqueEnvironment } from "./test-kube.js";

let client: ConnectedKubeClient;
const held: HeldLock[] = [];

beforeAll(async () => {
  client = await connectTestKube();
});

afterAll(async () => {
  for (const lock of held) await lock.release().catch(() => undefined);
  client?.close();
});

async function take(environment: string, holder: string, extra: { leaseSeconds?: number } = {}) {
  const lock = await acquireLock(client, { environment, holder, description: `${holder} (test)`, ...extra });
  held.push(lock);
  return lock;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error("expected a rejection");
  return err;
}

describe("environment lock", () => {
  it("is acquired, readable and released", async () => {
    const env = uniqueEnvironment("lock-basic");
    expect(await readLock(client, env)).toBeUndefined();
    const lock = await take(env, "alice");
    const info = await readLock(client, env);
    expect(info).toMatchObject({
      environment: env,
      holder: "alice",
      description: "alice (test)",
      expired: false,
    });
    expect(info?.expiresAt.getTime()).toBe((info?.renewedAt.getTime() ?? 0) + 30_000);
    const lease = await client.get(lockRef(env));
    // MicroTime, as the Lease API requires.
    expect(leaseSpec(lease ?? { apiVersion: "", kind: "", metadata: {} }).renewTime).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/,
    );
    lock.assertHeld();
    await lock.release();
    expect(await readLock(client, env)).toBeUndefined();
    expect(() => lock.assertHeld()).toThrow(/released/);
  });

  it("refuses a second holder, naming the first", async () => {
    const env = uniqueEnvironment("lock-refuse");
    await take(env, "alice");
    const err = await rejection(acquireLock(client, { environment: env, holder: "bob", description: "bob" }));
    expect(isZakenakError(err) && err.code).toBe("locked");
    expect(err.message).toMatch(
      new RegExp(
        `^environment ${env} is locked by alice \\(test\\) since \\S+Z \\(expires \\S+Z\\); wait, or run /unlock or zakenak unlock$`,
      ),
    );
  });

  it("lets the same holder take its own lock again", async () => {
    const env = uniqueEnvironment("lock-same");
    await take(env, "job-1");
    const again = await take(env, "job-1");
    again.assertHeld();
  });

  it("waits for the holder to let go, saying who it waits for", async () => {
    const env = uniqueEnvironment("lock-wait");
    const first = await take(env, "alice");
    const waitedOn: LockInfo[] = [];
    const second = acquireLock(client, {
      environment: env,
      holder: "bob",
      description: "bob",
      waitMs: 30_000,
      pollMs: 100,
      onWait: (current) => {
        waitedOn.push(current);
        void first.release();
      },
    });
    const lock = await second;
    held.push(lock);
    expect(waitedOn.map((w) => w.description)).toEqual(["alice (test)"]);
    expect((await readLock(client, env))?.holder).toBe("bob");
  });

  it("takes over an expired lease", async () => {
    const env = uniqueEnvironment("lock-expired");
    await ensureSystemNamespace(client);
    // A holder that crashed: its lease is never renewed.
    const now = new Date();
    await client.create(
      buildLease({
        environment: env,
        holder: "crashed",
        description: "crashed job",
        leaseSeconds: 1,
        acquireTime: now,
        renewTime: now,
        transitions: 0,
      }),
    );
    await waitUntil(async () => ((await readLock(client, env))?.expired ? true : undefined), {
      timeoutMs: 10_000,
      what: "the crashed holder's lease to expire",
    });
    await take(env, "bob");
    const lease = await client.get(lockRef(env));
    expect(lease && leaseSpec(lease)).toMatchObject({ holderIdentity: "bob", leaseTransitions: 1 });
  });

  it("keeps a held lock alive past its duration by renewing it", async () => {
    const env = uniqueEnvironment("lock-renew");
    const lock = await take(env, "alice", { leaseSeconds: 1 });
    const first = await readLock(client, env);
    const start = Date.now();
    const later = await waitUntil(
      async () => {
        const info = await readLock(client, env);
        const renewed = info && first && info.renewedAt > first.renewedAt;
        return Date.now() - start > 2_500 && renewed ? info : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: "two lease durations with renewals" },
    );
    expect(later).toMatchObject({ holder: "alice", expired: false });
    const err = await rejection(acquireLock(client, { environment: env, holder: "bob", description: "bob" }));
    expect(isZakenakError(err) && err.code).toBe("locked");
    lock.assertHeld();
    expect(lock.lost).toBe(false);
  });

  it("lets exactly one of concurrent contenders win", async () => {
    const env = uniqueEnvironment("lock-race");
    for (let round = 0; round < 3; round++) {
      const results = await Promise.allSettled(
        ["a", "b", "c", "d"].map((h) =>
          acquireLock(client, { environment: env, holder: `${h}${round}`, description: h }),
        ),
      );
      const winners = results.filter((r) => r.status === "fulfilled");
      expect(winners).toHaveLength(1);
      for (const r of results) {
        if (r.status === "rejected") expect(isZakenakError(r.reason) && r.reason.code).toBe("locked");
      }
      const winner = (winners[0] as PromiseFulfilledResult<HeldLock>).value;
      expect((await readLock(client, env))?.holder).toBe(winner.holder);
      await winner.release();
    }
  });

  it("lets exactly one of concurrent contenders take over an expired lease", async () => {
    const env = uniqueEnvironment("lock-race-expired");
    await ensureSystemNamespace(client);
    const now = new Date();
    await client.create(
      buildLease({
        environment: env,
        holder: "crashed",
        description: "crashed",
        leaseSeconds: 1,
        acquireTime: now,
        renewTime: now,
        transitions: 0,
      }),
    );
    await waitUntil(async () => ((await readLock(client, env))?.expired ? true : undefined), {
      timeoutMs: 10_000,
      what: "the lease to expire",
    });
    const results = await Promise.allSettled(
      ["a", "b", "c"].map((h) => acquireLock(client, { environment: env, holder: h, description: h })),
    );
    const winners = results.filter((r) => r.status === "fulfilled");
    expect(winners).toHaveLength(1);
    held.push(...winners.map((w) => (w as PromiseFulfilledResult<HeldLock>).value));
  });

  it("is force-unlocked whoever holds it", async () => {
    const env = uniqueEnvironment("lock-force");
    await take(env, "alice");
    expect(await forceUnlock(client, env)).toBe("alice (test)");
    expect(await readLock(client, env)).toBeUndefined();
    expect(await forceUnlock(client, env)).toBeUndefined();
    await take(env, "bob");
  });

  it("reports a lock lost to a forced unlock and a new holder, and leaves the new holder's lease", async () => {
    const env = uniqueEnvironment("lock-lost");
    const lostReasons: string[] = [];
    const alice = await acquireLock(client, {
      environment: env,
      holder: "alice",
      description: "alice",
      leaseSeconds: 1,
      onLost: (reason) => lostReasons.push(reason),
    });
    held.push(alice);
    await forceUnlock(client, env);
    await take(env, "bob");
    await waitUntil(() => (alice.lost ? true : undefined), { timeoutMs: 10_000, what: "alice to notice" });
    expect(() => alice.assertHeld()).toThrow(
      /lock on environment \S+ was lost: it is now held by bob \(test\)/,
    );
    expect(lostReasons).toHaveLength(1);
    await alice.release();
    expect((await readLock(client, env))?.holder).toBe("bob");
  });

  it("reports a lock lost when its lease is deleted", async () => {
    const env = uniqueEnvironment("lock-deleted");
    const alice = await take(env, "alice");
    await forceUnlock(client, env);
    await alice.renew();
    expect(alice.lost).toBe(true);
    expect(() => alice.assertHeld()).toThrow(/deleted/);
    // Leases allow create-on-update: the renewal must not have brought the deleted one back.
    expect(await readLock(client, env)).toBeUndefined();
  });
});
