import type { Job } from "bullmq";
import { applyPush } from "../commands/apply-push.js";
import type { DeployOutcome } from "../commands/deploy-commit.js";
import { reportApplyFailure } from "../commands/report-apply-failure.js";
import { scheduleDriftChecks } from "../drift/drift-schedule.js";
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
  const outcome = await runHandler(
    job,
    ctx.log,
    () => applyPush(ctx, req),
    (err) => reportApplyFailure(ctx, req, err),
  );
  // The environment now has a revision of this repository's: from here on it is watched for drift.
  if (outcome.result !== "skipped" && outcome.result !== "superseded") {
    await scheduleDriftChecks(services.queue, services.server, {
      repo: data.repo,
      environment: data.environment,
    });
  }
  return outcome;
}
