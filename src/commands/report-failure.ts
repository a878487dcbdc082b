import { CONFIG_FILE, parseConfig } from "../config/load-config.js";
import type { CommitState } from "../hosts/git-host.js";
import { isRetryable } from "../retry.js";
import type { BotContext } from "./bot-context.js";
import { planFailureBody } from "./plan-comment.js";
import { planContext, postIfCurrent } from "./plan-pull-request.js";

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A permanent problem (bad config, invalid render) is the change's fault; exhausted retries are ours. */
export function failureState(err: unknown): CommitState {
  return isRetryable(err) ? "error" : "failure";
}

/** One line for a commit status: the error's lines joined, cut to what a status shows. */
export function statusLine(err: unknown): string {
  const line = errorMessage(err)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" ");
  return line.length > 140 ? `${line.slice(0, 139)}…` : line;
}

/**
 * Says on the pull request that its plan failed for good: the statuses of the environments (or one
 * `zakenak/plan` status when the config cannot even name them) and the error in the plan comment.
 */
export async function reportPlanFailure(
  ctx: BotContext,
  req: { number: number; headSha: string; environments?: string[] },
  err: unknown,
): Promise<void> {
  let contexts = (req.environments ?? []).map(planContext);
  if (contexts.length === 0) {
    const text = await ctx.host.readFile(ctx.repo, req.headSha, CONFIG_FILE).catch(() => undefined);
    try {
      contexts = text ? parseConfig(text).environments.map((e) => planContext(e.name)) : [];
    } catch {
      contexts = [];
    }
  }
  if (contexts.length === 0) contexts = ["zakenak/plan"];
  for (const context of contexts) {
    await ctx.host.setStatus(ctx.repo, req.headSha, {
      context,
      state: failureState(err),
      description: statusLine(err),
    });
  }
  const body = planFailureBody(req.headSha, errorMessage(err), ctx.host.commentLimit);
  await postIfCurrent(ctx, req.number, req.headSha, body);
}
