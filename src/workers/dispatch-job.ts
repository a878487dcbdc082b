import { type Job, UnrecoverableError } from "bullmq";
import { errorMessage } from "../commands/report-failure.js";
import type { Delivery } from "../hosts/host-event.js";
import { APPLY_JOB, type ApplyJobData } from "../queue/apply-job.js";
import { isRetryable } from "../retry.js";
import { handleApply } from "./handle-apply.js";
import { handleComment } from "./handle-comment.js";
import { handlePullRequest } from "./handle-pull-request.js";
import { handlePullRequestClosed } from "./handle-pull-request-closed.js";
import { handlePush } from "./handle-push.js";
import { runScheduledJob, SCHEDULED_JOBS } from "./scheduled-jobs.js";
import type { WorkerServices } from "./worker-services.js";

/**
 * Sends a job to its handler: deliveries by event type, the applies that pushes fan out, and the drift
 * checks and polls the queue's schedulers make.
 */
export async function dispatchJob(
  services: WorkerServices,
  job: Job<Delivery | ApplyJobData>,
): Promise<unknown> {
  if (job.name === APPLY_JOB) return handleApply(services, job as Job<ApplyJobData>);
  if (SCHEDULED_JOBS.has(job.name)) return runScheduledJob(services, job);
  const { event } = job.data as Delivery;
  switch (event.type) {
    case "pr-opened":
    case "pr-updated":
      return handlePullRequest(services, job, event);
    case "pr-closed":
      return handlePullRequestClosed(services, job, event);
    case "push":
      return handlePush(services, job, event);
    case "comment":
      return handleComment(services, job, event);
  }
}

const SKIPPED = new Set(["skipped", "superseded", "ignored"]);

/** Runs one job: dispatch, metrics, and permanent failures turned into `UnrecoverableError`. */
export async function runJob(services: WorkerServices, job: Job<Delivery | ApplyJobData>): Promise<unknown> {
  const started = performance.now();
  const type =
    job.name === APPLY_JOB || SCHEDULED_JOBS.has(job.name) ? job.name : (job.data as Delivery).event.type;
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const result = await dispatchJob(services, job);
    const outcome = (result as { result?: string } | undefined)?.result ?? "";
    services.metrics?.jobFinished?.(type, SKIPPED.has(outcome) ? "skipped" : "completed", seconds());
    return result;
  } catch (err) {
    const permanent = err instanceof UnrecoverableError || !isRetryable(err);
    const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    services.log.warn(
      { jobId: job.id, job: job.name, err: errorMessage(err), attempt: job.attemptsMade + 1, final },
      final ? "job failed" : "job failed; will retry",
    );
    services.metrics?.jobFinished?.(type, final ? "failed" : "retrying", seconds());
    // A safety net for failures outside a handler's own (host client set-up): permanent fails at once.
    if (permanent && !(err instanceof UnrecoverableError)) throw new UnrecoverableError(errorMessage(err));
    throw err;
  }
}
