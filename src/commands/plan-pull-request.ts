import { selectEnvironments } from "../config/select-environments.js";
import { planSnapshots } from "../planning/plan-repository.js";
import type { Plan } from "../planning/types.js";
import { withRedisMutex } from "../queue/redis-mutex.js";
import type { BotContext } from "./bot-context.js";
import { downloadSnapshot } from "./download-snapshot.js";
import { type ClusterView, planClusterView } from "./plan-cluster-view.js";
import { isAffected, PLAN_MARKER, planCommentBody, planStatusDescription } from "./plan-comment.js";
import { readTrustedPolicy } from "./repository-policy.js";

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
 * head and the one plan comment. The environments, their clusters and the validation policy come from the
 * trusted policy (server configuration and default branch); the head supplies only what is deployed. Each
 * revision is downloaded and parsed once, and each environment's head render feeds both views. A stale
 * plan never overwrites a newer one: the head is checked again, under a per-PR mutex, right before the
 * comment is written.
 */
export async function planPullRequest(ctx: BotContext, req: PlanRequest): Promise<PlanOutcome> {
  const { host, repo } = ctx;
  const pr = await host.getPullRequest(repo, req.number);
  if (pr.state !== "open") return { result: "skipped", reason: `pull request is ${pr.state}` };
  if (pr.headSha !== req.headSha) return { result: "superseded", current: pr.headSha };
  const policy = await readTrustedPolicy(ctx);

  const head = await downloadSnapshot(
    ctx,
    req.headSha,
    `${pr.headBranch} (${req.headSha.slice(0, 12)})`,
    true,
  );
  const base = await downloadSnapshot(
    ctx,
    pr.baseSha,
    `${pr.baseBranch} (${pr.baseSha.slice(0, 12)})`,
    false,
  ).catch(async (err) => {
    await head.cleanup();
    throw err;
  });
  let plan: Plan;
  let cluster: ClusterView;
  try {
    const known = head.snapshot.config?.environments.map((e) => e.name) ?? [];
    const wanted = selectEnvironments(known, req.environments);
    for (const env of wanted) {
      await host.setStatus(repo, req.headSha, {
        context: planContext(env),
        state: "pending",
        description: "planning…",
      });
    }
    const planned = await planSnapshots({
      head: head.snapshot,
      base: base.snapshot,
      environments: wanted,
      cache: ctx.cache,
      rules: policy.rules,
      remoteBases: policy.grant.remoteBases,
      scanSecrets: true,
      secretScan: policy.secretScan,
      ...(ctx.limits ? { limits: ctx.limits } : {}),
      ...(ctx.images ? { images: ctx.images } : {}),
      ...(ctx.charts ? { charts: ctx.charts } : {}),
    });
    plan = planned.plan;
    cluster = await planClusterView(ctx, policy, planned.heads, pr);
  } finally {
    await Promise.all([head.cleanup(), base.cleanup()]);
  }

  // Statuses belong to this commit whatever happens to the PR, so they are set even when superseded.
  for (const env of plan.environments) {
    const refused = policy.refused.find((r) => r.name === env.environment);
    await host.setStatus(repo, req.headSha, {
      context: planContext(env.environment),
      state: env.valid && !refused ? "success" : "failure",
      description: refused ? `refused [${refused.rule}]: ${refused.reason}` : planStatusDescription(env),
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
