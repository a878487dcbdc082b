import { isZakenakError } from "../errors.js";
import { applyFailureBody, applyMarker } from "./apply-comment.js";
import { type ApplyRequest, applyContext } from "./apply-push.js";
import type { BotContext } from "./bot-context.js";
import { notifyDeployOnce } from "./notify-deploy.js";
import { errorMessage, failureState, statusLine } from "./report-failure.js";

/**
 * Says on the commit and on the merged pull request that an apply failed for good (refused, invalid
 * render, retries exhausted), and writes it to the audit log.
 */
export async function reportApplyFailure(ctx: BotContext, req: ApplyRequest, err: unknown): Promise<void> {
  const refused = isZakenakError(err) && err.code === "forbidden";
  // First, so that a host outage does not keep it from the targets. A deploy whose outcome was already
  // announced (its report to the host failed afterwards) is not announced again as failed.
  await notifyDeployOnce(ctx, req, { kind: "error", message: errorMessage(err) }).catch(
    (notifyErr: unknown) => ctx.log.warn({ err: errorMessage(notifyErr) }, "deploy failure not published"),
  );
  await ctx.host.setStatus(ctx.repo, req.sha, {
    context: applyContext(req.environment),
    state: failureState(err),
    description: statusLine(err),
  });
  const number = await ctx.host.pullRequestForCommit(ctx.repo, req.sha).catch(() => undefined);
  if (number !== undefined) {
    const body = applyFailureBody(req, errorMessage(err), ctx.host.commentLimit);
    await ctx.host.upsertComment(ctx.repo, number, applyMarker(req.environment, req.sha), body);
  }
  await ctx.audit.record({
    actor: req.actor,
    action: "apply",
    repo: ctx.repo.fullName,
    host: ctx.repo.host,
    environment: req.environment,
    sha: req.sha,
    result: refused ? "refused" : "failed",
    detail: statusLine(err),
    ...(number !== undefined ? { pullRequest: number } : {}),
  });
  ctx.metrics?.applyFinished?.(req.environment, refused ? "refused" : "failed");
}
