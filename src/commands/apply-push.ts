import { CONFIG_FILE, parseConfig } from "../config/load-config.js";
import type { EnvironmentConfig } from "../config/schema.js";
import { ZakenakError } from "../errors.js";
import { onceForJob } from "../queue/job-steps.js";
import { NewestHeads } from "../queue/newest-heads.js";
import { RULES } from "../validation/rules.js";
import { type ApplyReport, applyCommentBody, applyMarker, supersededBody } from "./apply-comment.js";
import type { BotContext } from "./bot-context.js";
import { type DeployOutcome, deployCommit } from "./deploy-commit.js";

export interface ApplyRequest extends ApplyReport {
  /** Full ref, recorded in the revision. */
  ref: string;
}

export const applyContext = (env: string) => `zakenak/apply: ${env}`;

/** The environment as the pushed commit's `.zakenak.yaml` defines it. */
export async function environmentAt(ctx: BotContext, sha: string, name: string): Promise<EnvironmentConfig> {
  const text = await ctx.host.readFile(ctx.repo, sha, CONFIG_FILE);
  if (text === undefined)
    throw new ZakenakError("config-missing", `no ${CONFIG_FILE} at ${sha.slice(0, 12)}`);
  const config = parseConfig(
    text,
    CONFIG_FILE,
    RULES.map((r) => r.id),
  );
  const env = config.environments.find((e) => e.name === name);
  if (!env) throw new ZakenakError("not-found", `environment ${name} is not in ${CONFIG_FILE} at ${sha}`);
  return env;
}

/**
 * Deploys a pushed commit to one environment: signature check, render from the host's archive, apply
 * under the environment's lock (unless a newer push overtook it), then the commit status, the comment on
 * the merged pull request and the audit entry. The deploy runs once per job: a retry after a failed
 * report reuses its outcome instead of applying again.
 */
export async function applyPush(ctx: BotContext, req: ApplyRequest): Promise<DeployOutcome> {
  const { host, repo } = ctx;
  const env = await environmentAt(ctx, req.sha, req.environment);
  const subject = NewestHeads.environment(repo, env.name);
  const fresh = await ctx.heads.offer(subject, req.sha, ctx.enqueuedAt);
  const { value: outcome } = fresh
    ? await onceForJob(ctx.redis, `${ctx.keyPrefix}:step:${ctx.jobId}:apply`, async () => {
        await host.setStatus(repo, req.sha, {
          context: applyContext(env.name),
          state: "pending",
          description: "applying…",
        });
        if (env.requireSignedCommits && !(await host.isCommitVerified(repo, req.sha))) {
          throw new ZakenakError(
            "forbidden",
            `environment ${env.name} requires signed commits and ${host.kind} does not report ` +
              `${req.sha.slice(0, 12)} as verified; nothing was applied`,
          );
        }
        return deployCommit(ctx, { ...req, subject }, env);
      })
    : { value: { result: "superseded" as const, by: (await ctx.heads.newest(subject))?.sha ?? "" } };

  const superseded = outcome.result === "superseded";
  await host.setStatus(repo, req.sha, {
    context: applyContext(env.name),
    // Not deployed on purpose: the newer commit's deploy carries the environment forward.
    state: superseded || outcome.result === "succeeded" ? "success" : "failure",
    description: superseded
      ? `not deployed: superseded by ${outcome.by.slice(0, 12)}`
      : `revision ${outcome.revision}: ${outcome.message}`.slice(0, 140),
  });
  const number = await host.pullRequestForCommit(repo, req.sha);
  if (number !== undefined) {
    const body = superseded
      ? supersededBody(req, outcome.by)
      : applyCommentBody(req, outcome, host.commentLimit);
    await host.upsertComment(repo, number, applyMarker(env.name, req.sha), body);
  }
  await ctx.audit.record({
    actor: req.actor,
    action: "apply",
    repo: repo.fullName,
    host: repo.host,
    environment: env.name,
    sha: req.sha,
    result: outcome.result,
    detail: superseded ? `superseded by ${outcome.by}` : outcome.message,
    ...(number !== undefined ? { pullRequest: number } : {}),
  });
  ctx.metrics?.applyFinished?.(env.name, outcome.result);
  if (superseded) return outcome;
  if (outcome.rollback) ctx.metrics?.rollbackFinished?.(env.name, "automatic");
  if (outcome.result === "succeeded") ctx.metrics?.deployedRevision?.(env.name, outcome.revision, req.sha);
  return outcome;
}
