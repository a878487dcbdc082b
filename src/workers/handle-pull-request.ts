import type { Job } from "bullmq";
import { type PlanOutcome, planPullRequest } from "../commands/plan-pull-request.js";
import { reportPlanFailure } from "../commands/report-failure.js";
import type { PullRequestEventBase } from "../hosts/host-event.js";
import { NewestHeads } from "../queue/newest-heads.js";
import { runHandler } from "./run-handler.js";
import { contextFor, type WorkerServices } from "./worker-services.js";

/** PR opened, new commits, reopened: plan it, unless a newer head of the same PR was already seen. */
export async function handlePullRequest(
  services: WorkerServices,
  job: Job,
  event: PullRequestEventBase,
): Promise<PlanOutcome> {
  const ctx = await contextFor(services, job, event.repo);
  const subject = NewestHeads.pullRequest(event.repo, event.number);
  if (!(await services.heads.offer(subject, event.headSha, job.timestamp))) {
    ctx.log.info({ pr: event.number, sha: event.headSha }, "skipped: a newer head of this PR was seen");
    return { result: "superseded", current: (await services.heads.newest(subject))?.sha ?? "" };
  }
  const req = { number: event.number, headSha: event.headSha };
  const outcome = await runHandler(
    job,
    ctx.log,
    () => planPullRequest(ctx, req),
    (err) => reportPlanFailure(ctx, req, err),
  );
  // The host knows better than the order of deliveries: remember its head for jobs still queued.
  if (outcome.result === "superseded") await services.heads.confirm(subject, outcome.current, job.timestamp);
  ctx.log.info({ pr: event.number, sha: event.headSha, outcome: outcome.result }, "plan job done");
  return outcome;
}
