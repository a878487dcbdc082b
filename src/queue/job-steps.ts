import { onRedis } from "./redis-errors.js";
import type { RedisClient } from "./redis-topology.js";

const TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * Runs a step of a job at most once to completion: its result is kept in Redis, and a retry of the
 * job (a later step failed) gets the stored result instead of doing it again. For steps that must not
 * repeat, such as a rollback, which would record a second revision.
 */
export async function onceForJob<T>(
  redis: RedisClient,
  key: string,
  fn: () => Promise<T>,
): Promise<{ value: T; replayed: boolean }> {
  const stored = await onRedis("reading a job step", () => redis.get(key));
  if (stored !== null) return { value: JSON.parse(stored) as T, replayed: true };
  const value = await fn();
  await onRedis("storing a job step", () => redis.set(key, JSON.stringify(value), "EX", TTL_SECONDS));
  return { value, replayed: false };
}
