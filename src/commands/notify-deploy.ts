import type { ApplyOutcome } from "../applying/apply-environment.js";
import type { NotificationKind } from "../notifications/notification-event.js";
import type { Redact } from "../planning/secret-redactor.js";
import { onceForJob } from "../queue/job-steps.js";
import type { ApplyReport } from "./apply-comment.js";
import type { BotContext } from "./bot-context.js";

/** What a pushed commit's deploy tells the notification targets. */
export type DeployNews =
  | { kind: "started"; revision: number }
  | { kind: "finished"; outcome: ApplyOutcome }
  /** Failed for good before an outcome: refused, an invalid render, retries used up. */
  | { kind: "error"; message: string };

/**
 * `notifyDeploy` at most once per job: a retry after a failed report to the host, or the final failure
 * report of a job whose outcome was announced already, does not announce it again.
 */
export async function notifyDeployOnce(
  ctx: BotContext,
  req: ApplyReport & { ref: string },
  news: DeployNews,
): Promise<void> {
  if (!ctx.notifier) return;
  await onceForJob(ctx.redis, `${ctx.keyPrefix}:step:${ctx.jobId}:notify`, async () => {
    await notifyDeploy(ctx, req, news);
    return true;
  });
}

/**
 * Publishes one deploy event. A deploy whose health failed and that went back by itself is one
 * `rollback-automatic` event, not a `deploy-failed` one too. Never throws (the notifier does not).
 */
export function notifyDeploy(
  ctx: Pick<BotContext, "notifier" | "repo">,
  req: ApplyReport & { ref: string },
  news: DeployNews,
  redact?: Redact,
): Promise<void> {
  if (!ctx.notifier) return Promise.resolve();
  const commit = `${req.sha.slice(0, 12)} (${req.refName}, by ${req.actor})`;
  const [kind, summary, revision] = describe(news, commit, req.environment);
  return ctx.notifier.publish(
    {
      kind,
      repository: ctx.repo.fullName,
      environment: req.environment,
      sha: req.sha,
      ref: req.ref,
      ...(revision !== undefined ? { revision } : {}),
      summary,
    },
    redact ? { redact } : {},
  );
}

function describe(
  news: DeployNews,
  commit: string,
  environment: string,
): [NotificationKind, string, number | undefined] {
  switch (news.kind) {
    case "started":
      return [
        "deploy-started",
        `Deploying ${commit} to ${environment} as revision ${news.revision}.`,
        news.revision,
      ];
    case "error":
      return [
        "deploy-failed",
        `The deploy of ${commit} to ${environment} failed: ${news.message}`,
        undefined,
      ];
    case "finished": {
      const { outcome } = news;
      const kind =
        outcome.result === "succeeded"
          ? "deploy-succeeded"
          : outcome.result === "rolled-back"
            ? "rollback-automatic"
            : "deploy-failed";
      return [kind, `${commit} to ${environment}: ${outcome.message}`, outcome.revision];
    }
  }
}
