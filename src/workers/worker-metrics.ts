import type { BotMetrics } from "../commands/bot-context.js";
import type { Metrics } from "../server/metrics.js";

/** The workers' metric hooks onto the bot's Prometheus registry (shared with intake in `serve`). */
export function workerMetrics(metrics: Metrics): BotMetrics {
  return {
    jobFinished(type, result, seconds) {
      metrics.jobs.inc({ type, result });
      metrics.jobDuration.observe({ type }, seconds);
    },
    applyFinished: (environment, result) => metrics.applies.inc({ environment, result }),
    rollbackFinished: (environment, trigger) => metrics.rollbacks.inc({ environment, trigger }),
    deployedRevision: (environment, revision) => metrics.deployedRevision.set({ environment }, revision),
    deployTimed: (environment, seconds) => metrics.deployDuration.observe({ environment }, seconds),
    applyTimed: (environment, seconds) => metrics.applyDuration.observe({ environment }, seconds),
    notificationFinished: (target_type, result) => metrics.notifications.inc({ target_type, result }),
    lockTaken(environment) {
      const end = metrics.lockHolds.take(environment);
      return () => metrics.lockHeld.observe({ environment }, end());
    },
  };
}
