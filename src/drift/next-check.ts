/** Checks of an unreachable cluster back off to at most this, or the interval when it is longer. */
export const MAX_DRIFT_BACKOFF_MS = 60 * 60_000;

/**
 * When the next check should run: one interval on, or, after `failures` unknown results in a row,
 * interval·2^failures capped at an hour, plus up to a quarter more at random so environments that lost
 * the same cluster together do not all come back at once.
 */
export function nextCheckDelayMs(intervalMs: number, failures: number, random = Math.random): number {
  if (failures <= 0) return intervalMs;
  const cap = Math.max(intervalMs, MAX_DRIFT_BACKOFF_MS);
  const base = Math.min(cap, intervalMs * 2 ** failures);
  return Math.round(base * (1 + random() / 4));
}
