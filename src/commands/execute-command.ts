import { listRevisions } from "../applying/history/list-revisions.js";
import { forceUnlock } from "../applying/lock/force-unlock.js";
import { readLock } from "../applying/lock/read-lock.js";
import { type RollbackOutcome, rollbackEnvironment } from "../applying/rollback-environment.js";
import { onceForJob } from "../queue/job-steps.js";
import { escapeMarkdown, inlineCode } from "../reporting/markdown-escape.js";
import type { TrustedEnvironment } from "../trust/trusted-policy.js";
import type { BotContext } from "./bot-context.js";
import { historyTable } from "./history-table.js";
import { lockMetrics } from "./lock-metrics.js";
import { notifyRollback } from "./notify-rollback.js";
import { withCluster } from "./with-cluster.js";

export interface CommandResult {
  /** For the audit log: succeeded, failed, … */
  result: string;
  reply: string;
  sha?: string;
  detail?: string;
}

/** `/rollback`: re-applies a stored revision; the reply suggests reverting in Git too. */
export async function executeRollback(
  ctx: BotContext,
  env: TrustedEnvironment,
  to: number | undefined,
  actor: string,
  where: string,
): Promise<CommandResult> {
  // Once per job: a retry (the reply failed) must not record a second rollback.
  const { value: outcome } = await onceForJob<RollbackOutcome>(
    ctx.redis,
    `${ctx.keyPrefix}:step:${ctx.jobId}:rollback`,
    () =>
      withCluster(ctx, env, (client) =>
        rollbackEnvironment({
          client,
          environment: env,
          ...(to !== undefined ? { to } : {}),
          actor,
          holder: `job/${ctx.jobId}`,
          holderDescription: `zakenak /rollback by ${actor} on ${where}`,
          lockWaitMs: ctx.kube.lockWaitMs,
          ...(ctx.kube.leaseSeconds ? { leaseSeconds: ctx.kube.leaseSeconds } : {}),
          wait: ctx.kube.applyWait,
          log: (line) => ctx.log.info({ environment: env.name }, line),
          ...lockMetrics(ctx, env.name),
        }),
      ),
  );
  await notifyRollback(ctx, env.name, outcome, `/rollback by ${actor} on ${where}`);
  ctx.metrics?.rollbackFinished?.(env.name, "command");
  if (outcome.result === "succeeded")
    ctx.metrics?.deployedRevision?.(env.name, outcome.revision, outcome.sha);
  const target = `revision **${outcome.to}** (${inlineCode(outcome.sha.slice(0, 12))})`;
  const reply =
    outcome.result === "succeeded"
      ? [
          `✅ Rolled ${inlineCode(env.name)} back to ${target}; recorded as revision **${outcome.revision}**.`,
          "⚠️ Git still holds the change that was rolled back: open a pull request that reverts it, " +
            "or the next merge deploys it again.",
        ].join("\n\n")
      : `❌ Rolled ${inlineCode(env.name)} back to ${target} (revision **${outcome.revision}**), but it is not healthy: ${escapeMarkdown(outcome.deploy.health.message)}`;
  return {
    result: outcome.result,
    reply,
    sha: outcome.sha,
    detail: `to revision ${outcome.to}, recorded as revision ${outcome.revision}`,
  };
}

/** `/unlock`: clears the environment's lock whoever holds it. */
export async function executeUnlock(ctx: BotContext, env: TrustedEnvironment): Promise<CommandResult> {
  const former = await withCluster(ctx, env, (client) => forceUnlock(client, env.name));
  if (former === undefined) {
    return { result: "not-locked", reply: `🔓 ${inlineCode(env.name)} was not locked.` };
  }
  return {
    result: "succeeded",
    reply: `🔓 Unlocked ${inlineCode(env.name)}; it was held by ${escapeMarkdown(former)}. If that apply is still running, it stops at its next lock renewal.`,
    detail: `was held by ${former}`,
  };
}

/** `/history`: the environment's revisions as a table (never manifests) and its lock. */
export async function executeHistory(ctx: BotContext, env: TrustedEnvironment): Promise<CommandResult> {
  const [revisions, lock] = await withCluster(ctx, env, (client) =>
    Promise.all([listRevisions(client, env.name), readLock(client, env.name)]),
  );
  return { result: "succeeded", reply: historyTable(env.name, revisions, lock) };
}
