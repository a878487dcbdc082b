import { type ConnectionOptions, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import type { BotLogger } from "../commands/bot-context.js";
import { BACKOFF_STRATEGY, backoffDelay } from "../queue/backoff.js";
import { deliverNotification } from "./deliver-notification.js";
import { NOTIFICATION_QUEUE, type NotificationJobData } from "./notification-queue.js";
import type { NotificationSettings } from "./notification-settings.js";
import type { TargetType } from "./notifications-schema.js";
import type { Notifier } from "./notifier.js";
import { queueNotifier } from "./queue-notifier.js";

/** The `result` label of `zakenak_notifications_total`. */
export type NotificationResult = "sent" | "retrying" | "failed" | "not-queued";

/** Longest wait between two tries of one notification. */
const MAX_DELAY_MS = 5 * 60_000;

export interface StartNotificationsOptions {
  /** ioredis options, as BullMQ takes them. */
  connection: ConnectionOptions;
  /** BullMQ key prefix; the delivery queue's. */
  prefix?: string;
  settings: NotificationSettings;
  log: BotLogger;
  counted?: (targetType: TargetType, result: NotificationResult) => void;
  /** Deliveries one process makes at once. */
  concurrency?: number;
  queueName?: string;
}

export interface RunningNotifications {
  notifier: Notifier;
  /** Lets the deliveries under way finish, then disconnects. Idempotent. */
  close(): Promise<void>;
}

/**
 * The notifier and the worker that delivers what it queues: one try per job, retried by BullMQ with
 * exponential backoff and jitter up to the configured attempts, then logged and counted as failed.
 */
export async function startNotifications(opts: StartNotificationsOptions): Promise<RunningNotifications> {
  const { settings, log } = opts;
  const name = opts.queueName ?? NOTIFICATION_QUEUE;
  const prefix = opts.prefix !== undefined ? { prefix: opts.prefix } : {};
  const queue = new Queue(name, { connection: opts.connection, ...prefix });
  const worker = new Worker<NotificationJobData>(name, (job) => deliver(opts, job), {
    connection: opts.connection,
    ...prefix,
    concurrency: opts.concurrency ?? 4,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) =>
        type === BACKOFF_STRATEGY
          ? backoffDelay(attemptsMade, { baseMs: settings.delayMs, maxMs: MAX_DELAY_MS })
          : 0,
    },
  });
  worker.on("error", (err) =>
    log.error({ err: settings.redactTargets(err.message) }, "notification worker error"),
  );
  try {
    await worker.waitUntilReady();
  } catch (err) {
    await Promise.allSettled([worker.close(true), queue.close()]);
    throw err;
  }
  const counted = opts.counted;
  const notifier = queueNotifier({
    queue,
    settings,
    log,
    ...(counted ? { counted: (type, result) => counted(type, result) } : {}),
  });
  let closing: Promise<void> | undefined;
  return {
    notifier,
    close: () => {
      closing ??= Promise.allSettled([worker.close(), queue.close()]).then(() => {});
      return closing;
    },
  };
}

/** One try; the outcome is logged and counted here, where it is known whether another try follows. */
async function deliver(opts: StartNotificationsOptions, job: Job<NotificationJobData>): Promise<void> {
  const { settings, log } = opts;
  const { target: name, event, deliveryId } = job.data;
  const type = settings.targets.get(name)?.type;
  const about = {
    target: name,
    kind: event.kind,
    environment: event.environment,
    repository: event.repository,
    deliveryId,
  };
  const attempt = job.attemptsMade + 1;
  try {
    await deliverNotification(settings, job.data);
    if (type) opts.counted?.(type, "sent");
    log.info({ ...about, attempt }, "notification sent");
  } catch (err) {
    const final = err instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
    const message = settings.redactTargets(err instanceof Error ? err.message : String(err));
    if (type) opts.counted?.(type, final ? "failed" : "retrying");
    if (final) log.error({ ...about, attempt, err: message }, "notification failed; not retried");
    else log.warn({ ...about, attempt, err: message }, "notification failed; will retry");
    throw err;
  }
}
