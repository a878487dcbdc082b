import { DEDUPE_WINDOW_SECONDS } from "./delivery-queue.js";

/**
 * Options of the jobs the delivery queue's schedulers make (drift checks, polls). BullMQ's removeOnComplete
 * and removeOnFail trim the queue's WHOLE completed (failed) set when a job finishes, not only jobs of its
 * name: a count would drop the completed deliveries that intake recognises redeliveries by. So they keep
 * by age, as long as deliveries do.
 */
export const SCHEDULED_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: { age: DEDUPE_WINDOW_SECONDS },
  removeOnFail: { age: 7 * DEDUPE_WINDOW_SECONDS },
} as const;

/** Whether a scheduler's job template keeps jobs as SCHEDULED_JOB_OPTIONS says (one made before may not). */
export function keepsScheduledJobs(opts: Record<string, unknown> | undefined): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return (
    same(opts?.removeOnComplete, SCHEDULED_JOB_OPTIONS.removeOnComplete) &&
    same(opts?.removeOnFail, SCHEDULED_JOB_OPTIONS.removeOnFail)
  );
}
