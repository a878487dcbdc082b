import type { Job } from "bullmq";
import { closedUnmergedBody } from "../commands/plan-comment.js";
import { writePlanComment } from "../commands/plan-pull-request.js";
import { CONFIG_FILE } from "../config/load-config.js";
import type { PullRequestEventBase } from "../hosts/host-event.js";
import { runHandler } from "./run-handler.js";
import { contextFor, type WorkerServices } from "./worker-services.js";

/**
 * PR closed: unmerged, its plan comment says the plan no longer applies. Merged, nothing to do here:
 * the push of the merge deploys and reports on the PR.
 */
export async function handlePullRequestClosed(
  services: WorkerServices,
  job: Job,
  event: PullRequestEventBase & { merged: boolean },
): Promise<{ result: "updated" | "skipped" }> {
  if (event.merged) return { result: "skipped" };
  const ctx = await contextFor(services, job, event.repo);
  return runHandler(
    job,
    ctx.log,
    async () => {
      // A repository without Zakenak config never had a plan comment; do not start one now.
      if ((await ctx.host.readFile(event.repo, event.headSha, CONFIG_FILE)) === undefined) {
        return { result: "skipped" as const };
      }
      await writePlanComment(ctx, event.number, closedUnmergedBody(event.number, event.headSha));
      return { result: "updated" as const };
    },
    async () => {},
  );
}
