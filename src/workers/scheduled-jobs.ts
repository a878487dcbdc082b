import type { Job } from "bullmq";
import { DRIFT_JOB, type DriftJobData } from "../drift/drift-schedule.js";
import { POLL_JOB, type PollJobData } from "../polling/poll-schedule.js";
import { handleDrift } from "./handle-drift.js";
import { handlePoll } from "./handle-poll.js";
import type { WorkerServices } from "./worker-services.js";

/** Jobs the queue's schedulers make at intervals, rather than a delivery or a push. */
export const SCHEDULED_JOBS: ReadonlySet<string> = new Set([DRIFT_JOB, POLL_JOB]);

export function runScheduledJob(services: WorkerServices, job: Job): Promise<unknown> {
  if (job.name === DRIFT_JOB) return handleDrift(services, job as Job<DriftJobData>);
  return handlePoll(services, job as Job<PollJobData>);
}
