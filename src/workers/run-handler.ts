import { type Job, UnrecoverableError } from "bullmq";
import type { BotLogger } from "../commands/bot-context.js";
import { errorMessage } from "../commands/report-failure.js";
import { isRetryable } from "../retry.js";

/** Whether this try is the job's last: a permanent error, or retries used up. */
export function isFinalFailure(job: Job, err: unknown): boolean {
  return !isRetryable(err) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * Runs a handler; on a failure that will not be retried, first says so where people look (status,
 * comment) with `report`, then fails the job. Permanent errors become `UnrecoverableError`, so BullMQ
 * fails the job at once instead of retrying something that cannot succeed; the retry decision itself
 * is `isRetryable`'s.
 */
export async function runHandler<T>(
  job: Job,
  log: BotLogger,
  work: () => Promise<T>,
  report: (err: unknown) => Promise<void>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isFinalFailure(job, err)) {
      await report(err).catch((reportErr: unknown) =>
        log.error({ err: errorMessage(reportErr) }, "could not report the failure"),
      );
    }
    if (!isRetryable(err)) throw new UnrecoverableError(errorMessage(err));
    throw err;
  }
}
