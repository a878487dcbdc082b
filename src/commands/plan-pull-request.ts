import { CONFIG_FILE, parseConfig } from "../config/load-config.js";
import { ZakenakError } from "../errors.js";
import { planRepository } from "../planning/plan-repository.js";
import type { Plan } from "../planning/types.js";
import { withRedisMutex } from "../queue/redis-mutex.js";
import { RULES } from "../validation/rules.js";
import type { BotContext } from "./bot-context.js";
import { type ClusterView, planClusterView } from "./plan-cluster-view.js";
import { isAffected, PLAN_MARKER, planCommentBody, planStatusDescription } from "./plan-comment.js";
import { pullRequestRepo } from "./pull-request-repo.js";

export interface PlanRequest {
  number: number;
  /** The head this plan is for; a pull request that moved on makes the plan stale. */
  headSha: string;
  /** Limit to these environments (`/plan dev`); default: all. */
  environments?: string[];
}

export type PlanOutcome =
  | { result: "planned"; affected: string[]; valid: boolean }
  /** The pull request has a newer head: nothing was posted (statuses of this head were). */
  | { result: "superseded"; current: string }
  | { result: "skipped"; reason: string };

export const planContext = (env: string) => `zakenak/plan: ${env}`;

/**
 * Plans a pull request from the host's archives of its base and head: one status per environment on the
 * head and the one plan comment. A stale plan never overwrites a newer one: the head is checked again,
 * under a per-PR mutex, right before the comment is written.
 */
export async function planPullRequest(ctx: BotContext, req: PlanRequest): Promise<PlanOutcome> {
  const { host, repo } = ctx;
  const pr = await host.getPullRequest(repo, req.number);
  if (pr.state !== "open") return { result: "skipped", reason: `pull request is ${pr.state}` };
  if (pr.headSha !== req.headSha) return { result: "superseded", current: pr.headSha };

  const text = await host.readFile(repo, req.headSha, CONFIG_FILE);
  if (text === undefined) return { result: "skipped", reason: `no ${CONFIG_FILE} at the head` };
  const config = parseConfig(
    text,
    CONFIG_FILE,
    RULES.map((r) => r.id),
  );
  const known = config.environments.map((e) => e.name);
  const wanted = req.environments ?? known;
  for (const w of wanted) {
    if (!known.includes(w)) {
      throw new ZakenakError("usage", `unknown environment "${w}" (known: ${known.join(", ")})`);
    }
  }
  for (const env of wanted) {
    await host.setStatus(repo, req.headSha, {
      context: planContext(env),
      state: "pending",
      description: "planning…",
    });
  }

  const checkout = await pullRequestRepo(host, repo, pr.baseSha, req.headSha);
  let plan: Plan;
  let cluster: ClusterView;
  try {
    plan = await planRepository({
      repoDir: checkout.dir,
      base: "HEAD~1",
      head: "HEAD",
      environments: wanted,
      cache: ctx.cache,
    });
    cluster = await planClusterView(ctx, config, checkout.dir, wanted);
  } finally {
    await checkout.cleanup();
  }
  // The engine labels the throw-away commits; people know the branches and the real commits.
  plan.base = `${pr.baseBranch} (${pr.baseSha.slice(0, 12)})`;
  plan.head = `${pr.headBranch} (${req.headSha.slice(0, 12)})`;

  // Statuses belong to this commit whatever happens to the PR, so they are set even when superseded.
  for (const env of plan.environments) {
    await host.setStatus(repo, req.headSha, {
      context: planContext(env.environment),
      state: env.valid ? "success" : "failure",
      description: planStatusDescription(env),
    });
  }
  const body = planCommentBody(plan, host.commentLimit, {
    ...cluster,
    base: plan.base,
    head: plan.head,
  });
  const posted = await postIfCurrent(ctx, req.number, req.headSha, body);
  if (posted !== true) return posted;
  const affected = plan.environments.filter(isAffected).map((e) => e.environment);
  ctx.log.info({ pr: req.number, sha: req.headSha, affected }, "plan posted");
  return { result: "planned", affected, valid: plan.environments.every((e) => e.valid) };
}

/**
 * Writes the plan comment only if `headSha` is still the open pull request's head. The mutex makes the
 * check and the write one step for every worker, so an older plan cannot land after a newer one.
 */
export async function postIfCurrent(
  ctx: BotContext,
  number: number,
  headSha: string,
  body: string,
): Promise<true | Exclude<PlanOutcome, { result: "planned" }>> {
  const key = `${ctx.keyPrefix}:pr-comment:${ctx.repo.host}:${ctx.repo.id ?? ctx.repo.fullName}#${number}`;
  return withRedisMutex(ctx.redis, key, async () => {
    const now = await ctx.host.getPullRequest(ctx.repo, number);
    if (now.state !== "open") return { result: "skipped", reason: `pull request is ${now.state}` } as const;
    if (now.headSha !== headSha) return { result: "superseded", current: now.headSha } as const;
    await ctx.host.upsertComment(ctx.repo, number, PLAN_MARKER, body);
    return true as const;
  });
}

/** Writes the plan comment whatever the head (closing notices), under the same mutex. */
export async function writePlanComment(ctx: BotContext, number: number, body: string): Promise<void> {
  const key = `${ctx.keyPrefix}:pr-comment:${ctx.repo.host}:${ctx.repo.id ?? ctx.repo.fullName}#${number}`;
  await withRedisMutex(ctx.redis, key, () => ctx.host.upsertComment(ctx.repo, number, PLAN_MARKER, body));
}
