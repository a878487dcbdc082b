/** Name of the backoff strategy jobs ask for; the worker implements it (`settings.backoffStrategy`). */
export const BACKOFF_STRATEGY = "zakenak";

export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseMs?: number;
  /** No delay exceeds this. */
  maxMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 2_000, maxMs: 5 * 60_000 };

/**
 * Delay before retry number `attemptsMade` (1 after the first failure): exponential with full jitter,
 * uniform in [0, min(max, base·2^(n-1))], so a crowd of jobs failing together on one outage does not
 * come back in lockstep.
 */
export function backoffDelay(attemptsMade: number, opts: BackoffOptions = {}, random = Math.random): number {
  const base = opts.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const max = opts.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(random() * ceiling);
}
