import { isZakenakError, ZakenakError } from "../errors.js";

/**
 * Runs a command against Zakenak's own Redis keys. A failure there is a Redis blip (connection lost,
 * failover, timeout): marked retryable so the job is tried again later instead of failing for good.
 */
export async function onRedis<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isZakenakError(err)) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new ZakenakError("redis-unavailable", `Redis: ${what}: ${message}`, {
      retryable: true,
      cause: err,
    });
  }
}
