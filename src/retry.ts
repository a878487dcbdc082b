import { setTimeout as delay } from "node:timers/promises";

export interface RetryOptions {
  /** Total tries, the first included. */
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  onRetry?: (err: unknown, attempt: number, waitMs: number) => void;
}

/**
 * The one place that decides about retries: errors marked `retryable` (host 5xx/429, API server
 * unavailable, connection resets) are tried again with exponential backoff and full jitter; anything
 * else fails at once.
 */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseMs ?? 200;
  const max = opts.maxMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      const waitMs = Math.round(Math.random() * Math.min(max, base * 2 ** (attempt - 1)));
      opts.onRetry?.(err, attempt, waitMs);
      await delay(waitMs);
    }
  }
}

export function isRetryable(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { retryable?: unknown }).retryable === true;
}
