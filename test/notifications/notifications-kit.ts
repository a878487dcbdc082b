import { Queue } from "bullmq";
import { notificationSettings } from "../../src/notifications/notification-settings.js";
import { notificationsSchema } from "../../src/notifications/notifications-schema.js";
import {
  type RunningNotifications,
  startNotifications,
} from "../../src/notifications/start-notifications.js";
import { createMetrics, type Metrics } from "../../src/server/metrics.js";
import { workerMetrics } from "../../src/workers/worker-metrics.js";
import { collectingLogger, hex, redisConnection } from "../workers/worker-kit.js";

export interface NotifierUnderTest extends RunningNotifications {
  logs: ReturnType<typeof collectingLogger>;
  metrics: Metrics;
  queue: Queue;
  /** Every log line as one JSON text, to search for what must not be there. */
  logText(): string;
  /** `zakenak_notifications_total` for one label pair (0 when never counted). */
  count(targetType: string, result: string): Promise<number>;
}

/**
 * The notifier and its delivery worker on real Redis, from a `notifications` configuration as the
 * server configuration holds it, with its own queue name and prefix so tests never mix.
 */
export async function startNotifierUnderTest(
  config: unknown,
  env: Record<string, string>,
): Promise<NotifierUnderTest> {
  const settings = await notificationSettings(notificationsSchema.parse(config), env);
  if (!settings) throw new Error("the test configuration has no targets");
  const id = hex();
  const queueName = `zakenak-notify-test-${id}`;
  const prefix = `zkn-${id}`;
  const logs = collectingLogger();
  const metrics = createMetrics();
  const hooks = workerMetrics(metrics);
  const running = await startNotifications({
    connection: redisConnection,
    prefix,
    queueName,
    settings,
    log: logs,
    counted: (type, result) => hooks.notificationFinished?.(type, result),
  });
  const queue = new Queue(queueName, { connection: redisConnection, prefix });
  return {
    ...running,
    logs,
    metrics,
    queue,
    logText: () => logs.lines.map((l) => JSON.stringify(l)).join("\n"),
    async count(targetType, result) {
      const metric = await metrics.notifications.get();
      const value = metric.values.find(
        (v) => v.labels.target_type === targetType && v.labels.result === result,
      );
      return value?.value ?? 0;
    },
    async close() {
      await running.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    },
  };
}
