import type { Job } from "bullmq";
import { applyPush } from "../commands/apply-push.js";
import type { DeployOutcome } from "../commands/deploy-commit.js";
import { reportApplyFailure } from "../commands/report-apply-failure.js";
import type { ApplyJobData } from "../queue/apply-job.js";
import { runHandler } from "./run-handler.js";
import { contextFor, type WorkerServices } from "./worker-services.js";

/** Deploys one environment at the pushed commit and reports on the commit and the merged PR. */
export async function handleApply(services: WorkerServices, job: Job<ApplyJobData>): Promise<DeployOutcome> {
  const data = job.data;
  // Pushes are ordered by their delivery, not by when their apply jobs happened to be fanned out.
  const ctx = { ...(await contextFor(services, job, data.repo)), enqueuedAt: data.pushedAt ?? job.timestamp };
  const req = {
    environment: data.environment,
    sha: data.sha,
    ref: data.ref,
    refName: data.refName,
    actor: data.actor,
  };
  return runHandler(
    job,
    ctx.log,
    () => applyPush(ctx, req),
    (err) => reportApplyFailure(ctx, req, err),
  );
}
