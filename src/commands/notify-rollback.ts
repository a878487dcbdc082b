import type { RollbackOutcome } from "../applying/rollback-environment.js";
import { onceForJob } from "../queue/job-steps.js";
import type { BotContext } from "./bot-context.js";

/**
 * Publishes a rollback by command, once per job: a retry after a failed reply replays the rollback's
 * stored outcome, and must not announce it a second time.
 */
export async function notifyRollback(
  ctx: BotContext,
  environment: string,
  outcome: RollbackOutcome,
  by: string,
): Promise<void> {
  const { notifier } = ctx;
  if (!notifier) return;
  await onceForJob(ctx.redis, `${ctx.keyPrefix}:step:${ctx.jobId}:notify`, async () => {
    await notifier.publish({
      kind: "rollback-command",
      repository: ctx.repo.fullName,
      environment,
      sha: outcome.sha,
      revision: outcome.revision,
      summary: `${by}: ${outcome.message}`,
    });
    return true;
  });
}
