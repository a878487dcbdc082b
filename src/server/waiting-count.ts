import type { Queue } from "bullmq";

/** The queue's backlog as intake sees it: a cached count, never a Redis round trip per request. */
export interface WaitingCount {
  /** The last count read, plus the deliveries this process queued since; starts a refresh when stale. */
  current(): number;
  /** Counts one delivery this process queued, so the bound holds between refreshes. */
  added(): void;
}

/** How old the cached count may get before a request starts a refresh. */
export const WAITING_REFRESH_MS = 250;

/**
 * The jobs not started yet (waiting, prioritized and delayed, as `zakenak_queue_depth` counts them),
 * refreshed in the background at most every `refreshMs`. A failed read keeps the last count: while Redis
 * is away the enqueue itself fails with its own 503.
 */
export function waitingCount(
  queue: Pick<Queue, "getJobCounts">,
  opts: { refreshMs?: number; now?: () => number } = {},
): WaitingCount {
  const refreshMs = opts.refreshMs ?? WAITING_REFRESH_MS;
  const now = opts.now ?? Date.now;
  let value = 0;
  let readAt = Number.NEGATIVE_INFINITY;
  let refreshing = false;
  const refresh = () => {
    refreshing = true;
    readAt = now();
    queue
      .getJobCounts("waiting", "prioritized", "delayed")
      .then((counts) => {
        value = Object.values(counts).reduce((sum, n) => sum + n, 0);
      })
      .catch(() => {})
      .finally(() => {
        refreshing = false;
      });
  };
  return {
    current() {
      if (!refreshing && now() - readAt >= refreshMs) refresh();
      return value;
    },
    added() {
      value++;
    },
  };
}
