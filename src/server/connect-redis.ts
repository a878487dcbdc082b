import { Redis } from "ioredis";
import { ZakenakError } from "../errors.js";

/** The URL as it may appear in messages: any password replaced. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(unparseable REDIS_URL)";
  }
}

/**
 * Connects once, failing fast: an unreachable Redis at start is a configuration problem, reported as
 * one line (`cannot reach Redis at …: <reason>`) instead of endless reconnect attempts. Once connected,
 * a later blip reconnects with capped backoff, and commands fail at once while disconnected (no offline
 * queue), so intake answers 503 instead of hanging until the host gives up.
 */
export async function connectRedis(url: string, opts: { connectTimeoutMs?: number } = {}): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: opts.connectTimeoutMs ?? 5000,
  });
  let lastError: Error | undefined;
  const remember = (error: Error) => {
    lastError = error;
  };
  redis.on("error", remember);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const reason = (lastError ?? (error as Error)).message;
    throw new ZakenakError("redis-unavailable", `cannot reach Redis at ${redactRedisUrl(url)}: ${reason}`, {
      retryable: true,
      cause: error,
    });
  } finally {
    redis.off("error", remember);
  }
  redis.options.retryStrategy = (times) => Math.min(times * 200, 5000);
  return redis;
}
