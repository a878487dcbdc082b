import { setTimeout as delay } from "node:timers/promises";
import { type ApplyOutcome, applyEnvironment } from "../applying/apply-environment.js";
import type { RevisionSummary } from "../applying/history/revision.js";
import { isZakenakError } from "../errors.js";
import { assertDeployable, renderSnapshot } from "../planning/render-environment.js";
import { createRedactor } from "../planning/secret-redactor.js";
import type { TrustedEnvironment, TrustedPolicy } from "../trust/trusted-policy.js";
import type { ApplyReport } from "./apply-comment.js";
import type { BotContext } from "./bot-context.js";
import { downloadSnapshot } from "./download-snapshot.js";
import { lockMetrics } from "./lock-metrics.js";
import { notifyDeploy } from "./notify-deploy.js";
import { withCluster } from "./with-cluster.js";

export type DeployOutcome =
  | ApplyOutcome
  | { result: "superseded"; by: string }
  /** Not deployed on purpose: a replayed, moved or already applied commit. */
  | { result: "skipped"; reason: string };

export interface DeployRequest extends ApplyReport {
  ref: string;
  /** `NewestHeads` subject of the environment: a newer push to it supersedes this one. */
  subject: string;
}

const LOCK_POLL_MS = 1_000;

/**
 * Renders the commit from the host's archive and applies it under the environment's lock. While the
 * lock is taken the job waits, and before every try it checks whether a newer push to the environment
 * came in: if so this older commit is not applied at all. Holding the lock, it checks the history: a
 * commit already applied, or older than the deployed one, or whose ref moved on, is not applied, however
 * late its webhook was (re)delivered.
 */
export async function deployCommit(
  ctx: BotContext,
  req: DeployRequest,
  env: TrustedEnvironment,
  policy: TrustedPolicy,
): Promise<DeployOutcome> {
  const download = await downloadSnapshot(ctx, req.sha, `${req.refName} (${req.sha.slice(0, 12)})`, true);
  try {
    const rendered = await renderSnapshot(download.snapshot, env.name, {
      cache: ctx.cache,
      rules: policy.rules,
      remoteBases: policy.grant.remoteBases,
      ...(ctx.limits ? { limits: ctx.limits } : {}),
      ...(ctx.charts ? { charts: ctx.charts } : {}),
    });
    assertDeployable(rendered);
    const objects = rendered.objects.map((o) => o.object);
    const redact = createRedactor(objects);
    return await withCluster(ctx, env, async (client) => {
      const deadline = Date.now() + ctx.kube.lockWaitMs;
      let waiting = false;
      for (;;) {
        const by = await ctx.heads.isSuperseded(req.subject, req.sha, ctx.enqueuedAt);
        if (by) return { result: "superseded", by };
        const started = performance.now();
        try {
          const outcome = await applyEnvironment({
            client,
            environment: env,
            objects,
            charts: rendered.charts,
            sha: req.sha,
            ref: req.ref,
            actor: req.actor,
            holder: `job/${ctx.jobId}`,
            holderDescription: `zakenak job ${ctx.jobId} (${req.refName} at ${req.sha.slice(0, 12)}, pushed by ${req.actor})`,
            // Waiting happens here, so that the check above runs before every try.
            lockWaitMs: 0,
            ...(ctx.kube.leaseSeconds ? { leaseSeconds: ctx.kube.leaseSeconds } : {}),
            wait: ctx.kube.applyWait,
            log: (line) => ctx.log.info({ environment: env.name, sha: req.sha }, line),
            precheck: (revisions) => staleReason(ctx, req, revisions),
            // Not awaited: publishing only queues, and the apply must not wait on it.
            started: (revision) => void notifyDeploy(ctx, req, { kind: "started", revision }, redact),
            ...lockMetrics(ctx, env.name),
          });
          ctx.metrics?.applyTimed?.(env.name, (performance.now() - started) / 1000);
          return outcome;
        } catch (err) {
          if (isZakenakError(err) && err.code === "not-deployed")
            return { result: "skipped", reason: err.message };
          if (!isZakenakError(err) || err.code !== "locked" || Date.now() >= deadline) throw err;
          if (!waiting) ctx.log.info({ environment: env.name, reason: err.message }, "waiting for the lock");
          waiting = true;
          await delay(Math.min(LOCK_POLL_MS, Math.max(0, deadline - Date.now())));
        }
      }
    });
  } finally {
    await download.cleanup();
  }
}

/** Why the ref no longer deploys this commit (it moved on, or is gone), or undefined when it still does. */
export async function refMoved(
  ctx: Pick<BotContext, "host" | "repo">,
  req: { ref: string; sha: string },
): Promise<string | undefined> {
  const now = await ctx.host.refSha(ctx.repo, req.ref);
  if (now === undefined) return `${req.ref} no longer exists`;
  if (now !== req.sha) return `${req.ref} now points at ${now.slice(0, 12)}`;
  return undefined;
}

/** Why a push must not apply this commit now, judged under the lock against the environment's history. */
async function staleReason(
  ctx: BotContext,
  req: DeployRequest,
  revisions: readonly RevisionSummary[],
): Promise<string | undefined> {
  const applied = revisions.find(
    (r) =>
      r.sha === req.sha && r.trigger === "apply" && (r.result === "succeeded" || r.result === "rolled-back"),
  );
  if (applied) return `${req.sha.slice(0, 12)} was already applied as revision ${applied.number}`;
  const deployed = revisions.find((r) => r.result === "succeeded");
  if (deployed && deployed.sha !== req.sha && (await isAncestor(ctx, req.sha, deployed.sha))) {
    return (
      `${req.sha.slice(0, 12)} is older than revision ${deployed.number} (${deployed.sha.slice(0, 12)}), ` +
      "which is deployed; only /rollback goes back"
    );
  }
  return refMoved(ctx, req);
}

/** A deployed sha the host does not know (a local apply from a laptop) is nobody's descendant. */
async function isAncestor(ctx: BotContext, ancestor: string, descendant: string): Promise<boolean> {
  return ctx.host.isAncestor(ctx.repo, ancestor, descendant).catch((err: unknown) => {
    if (isZakenakError(err) && err.code === "not-found") return false;
    throw err;
  });
}
