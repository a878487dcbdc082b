import { ZakenakError } from "../errors.js";
import { onceForJob } from "../queue/job-steps.js";
import { NewestHeads } from "../queue/newest-heads.js";
import { trustedEnvironment } from "../trust/trusted-environment.js";
import { type ApplyReport, applyCommentBody, applyMarker, supersededBody } from "./apply-comment.js";
import type { BotContext } from "./bot-context.js";
import { type DeployOutcome, deployCommit, refMoved } from "./deploy-commit.js";
import { notifyDeployOnce } from "./notify-deploy.js";
import { readTrustedPolicy } from "./repository-policy.js";

export interface ApplyRequest extends ApplyReport {
  /** Full ref, recorded in the revision. */
  ref: string;
}

export const applyContext = (env: string) => `zakenak/apply: ${env}`;

/**
 * Deploys a pushed commit to one environment: the ref must still point at it, the signature check, a
 * render from the host's archive, an apply under the environment's lock (unless a newer push overtook
 * it, or the commit is already applied or older than what is deployed), then the commit status, the
 * comment on the merged pull request and the audit entry. The environment and its settings come from the
 * trusted policy, read again now: a push only decides what is deployed. The deploy runs once per job: a
 * retry after a failed report reuses its outcome instead of applying again.
 */
export async function applyPush(ctx: BotContext, req: ApplyRequest): Promise<DeployOutcome> {
  const { host, repo } = ctx;
  const policy = await readTrustedPolicy(ctx);
  const env = trustedEnvironment(policy, req.environment);
  const subject = NewestHeads.environment(repo, env.name);
  const { value: outcome } = await onceForJob(
    ctx.redis,
    `${ctx.keyPrefix}:step:${ctx.jobId}:apply`,
    async (): Promise<DeployOutcome> => {
      // Before it may count as the newest push: a replayed old delivery must not supersede a real one.
      const moved = await refMoved(ctx, req);
      if (moved) return { result: "skipped", reason: moved };
      if (!(await ctx.heads.offer(subject, req.sha, ctx.enqueuedAt))) {
        return { result: "superseded", by: (await ctx.heads.newest(subject))?.sha ?? "" };
      }
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
      const started = performance.now();
      const deployed = await deployCommit(ctx, { ...req, subject }, env, policy);
      // Only deploys that reached the cluster: a superseded or skipped commit is not one.
      if (deployed.result !== "superseded" && deployed.result !== "skipped") {
        ctx.metrics?.deployTimed?.(env.name, (performance.now() - started) / 1000);
      }
      return deployed;
    },
  );

  const audit = (result: string, detail: string, pullRequest?: number) =>
    ctx.audit.record({
      actor: req.actor,
      action: "apply",
      repo: repo.fullName,
      host: repo.host,
      environment: env.name,
      sha: req.sha,
      result,
      detail,
      ...(pullRequest !== undefined ? { pullRequest } : {}),
    });
  if (outcome.result === "skipped") {
    // A replay or an overtaken commit: said on the commit and in the audit log, no comment on the PR.
    await host.setStatus(repo, req.sha, {
      context: applyContext(env.name),
      state: "success",
      description: `not deployed: ${outcome.reason}`.slice(0, 140),
    });
    await audit("skipped", outcome.reason);
    ctx.log.info({ environment: env.name, sha: req.sha, reason: outcome.reason }, "not deployed");
    return outcome;
  }
  const superseded = outcome.result === "superseded";
  // Before the host is told: an outage of the host must not keep the news from the targets.
  if (!superseded) await notifyDeployOnce(ctx, req, { kind: "finished", outcome });
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
  await audit(outcome.result, superseded ? `superseded by ${outcome.by}` : outcome.message, number);
  ctx.metrics?.applyFinished?.(env.name, outcome.result);
  if (superseded) return outcome;
  if (outcome.rollback) ctx.metrics?.rollbackFinished?.(env.name, "automatic");
  if (outcome.result === "succeeded") ctx.metrics?.deployedRevision?.(env.name, outcome.revision, req.sha);
  return outcome;
}
