import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { ZakenakError } from "../errors.js";
import { onRedis } from "./redis-errors.js";
import type { RedisClient } from "./redis-topology.js";

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface MutexOptions {
  /** The key expires this long after it was taken, so a dead worker's mutex frees itself. */
  ttlMs?: number;
  /** Give up (retryably) after waiting this long. */
  waitMs?: number;
  pollMs?: number;
}

/**
 * Runs `fn` while holding a short Redis mutex, for a critical section across workers (read the PR's
 * head, then post the comment) that must not interleave with another worker's.
 */
export async function withRedisMutex<T>(
  redis: RedisClient,
  key: string,
  fn: () => Promise<T>,
  opts: MutexOptions = {},
): Promise<T> {
  const token = randomBytes(12).toString("hex");
  const ttlMs = opts.ttlMs ?? 60_000;
  const deadline = Date.now() + (opts.waitMs ?? 120_000);
  for (;;) {
    const taken = await onRedis("taking a mutex", () => redis.set(key, token, "PX", ttlMs, "NX"));
    if (taken === "OK") break;
    if (Date.now() >= deadline) {
      throw new ZakenakError("locked", `timed out waiting for ${key}`, { retryable: true });
    }
    await delay(opts.pollMs ?? 100);
  }
  try {
    return await fn();
  } finally {
    await redis.eval(RELEASE, 1, key, token).catch(() => {});
  }
}
