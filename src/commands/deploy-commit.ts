import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { type ApplyOutcome, applyEnvironment } from "../applying/apply-environment.js";
import type { EnvironmentConfig } from "../config/schema.js";
import { isZakenakError } from "../errors.js";
import { assertDeployable, renderEnvironment } from "../planning/render-environment.js";
import type { ApplyReport } from "./apply-comment.js";
import type { BotContext } from "./bot-context.js";
import { withCluster } from "./with-cluster.js";

export type DeployOutcome = ApplyOutcome | { result: "superseded"; by: string };

export interface DeployRequest extends ApplyReport {
  ref: string;
  /** `NewestHeads` subject of the environment: a newer push to it supersedes this one. */
  subject: string;
}

const LOCK_POLL_MS = 1_000;

/**
 * Renders the commit from the host's archive and applies it under the environment's lock. While the
 * lock is taken the job waits, and before every try it checks whether a newer push to the environment
 * came in: if so this older commit is not applied at all, so applies never go back in time.
 */
export async function deployCommit(
  ctx: BotContext,
  req: DeployRequest,
  env: EnvironmentConfig,
): Promise<DeployOutcome> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), "zakenak-apply-")));
  try {
    await ctx.host.downloadArchive(ctx.repo, req.sha, dir);
    const rendered = await renderEnvironment({ repoDir: dir, environment: env.name, cache: ctx.cache });
    assertDeployable(rendered);
    const objects = rendered.objects.map((o) => o.object);
    return await withCluster(ctx, env, async (client) => {
      const deadline = Date.now() + ctx.kube.lockWaitMs;
      let waiting = false;
      for (;;) {
        const by = await ctx.heads.isSuperseded(req.subject, req.sha, ctx.enqueuedAt);
        if (by) return { result: "superseded", by };
        try {
          return await applyEnvironment({
            client,
            environment: env,
            objects,
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
          });
        } catch (err) {
          if (!isZakenakError(err) || err.code !== "locked" || Date.now() >= deadline) throw err;
          if (!waiting) ctx.log.info({ environment: env.name, reason: err.message }, "waiting for the lock");
          waiting = true;
          await delay(Math.min(LOCK_POLL_MS, Math.max(0, deadline - Date.now())));
        }
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
