import type { KubeClient } from "../kube/kube-client.js";
import { acquireLock } from "./lock/acquire-lock.js";
import type { HeldLock } from "./lock/held-lock.js";
import type { LockInfo } from "./lock/read-lock.js";

/** How a change to an environment takes its lock; shared by apply and rollback. */
export interface EnvironmentLockOptions {
  /** Stable identity for the lock (a retried job takes its own lock again). */
  holder: string;
  /** Shown to whoever finds the environment locked. */
  holderDescription: string;
  lockWaitMs: number;
  leaseSeconds?: number;
  onLockWait?: (current: LockInfo) => void;
  /** Called once the lock is taken; the function it returns is called once the lock is let go. */
  onLocked?: () => () => void;
}

/** Runs `fn` holding the environment's lock, and lets go of it afterwards whatever happened. */
export async function withEnvironmentLock<T>(
  client: KubeClient,
  environment: string,
  opts: EnvironmentLockOptions,
  fn: (lock: HeldLock) => Promise<T>,
): Promise<T> {
  const lock = await acquireLock(client, {
    environment,
    holder: opts.holder,
    description: opts.holderDescription,
    waitMs: opts.lockWaitMs,
    ...(opts.leaseSeconds ? { leaseSeconds: opts.leaseSeconds } : {}),
    ...(opts.onLockWait ? { onWait: opts.onLockWait } : {}),
  });
  const unlocked = opts.onLocked?.();
  try {
    return await fn(lock);
  } finally {
    await lock.release().catch(() => {});
    unlocked?.();
  }
}
