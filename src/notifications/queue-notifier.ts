import { randomUUID } from "node:crypto";
import type { Queue } from "bullmq";
import type { BotLogger } from "../commands/bot-context.js";
import { BACKOFF_STRATEGY } from "../queue/backoff.js";
import { maskEvent } from "./mask-event.js";
import type { NotificationEvent } from "./notification-event.js";
import {
  KEEP_COMPLETED_SECONDS,
  KEEP_FAILED_SECONDS,
  NOTIFY_JOB,
  type NotificationJobData,
} from "./notification-queue.js";
import type { NotificationSettings } from "./notification-settings.js";
import type { TargetType } from "./notifications-schema.js";
import type { Notifier, PublishOptions } from "./notifier.js";
import { routeEvent } from "./route-event.js";

/** How long publishing waits for Redis: a deploy goes on without its notification rather than wait. */
export const ENQUEUE_TIMEOUT_MS = 5_000;

export interface QueueNotifierOptions {
  queue: Queue;
  settings: NotificationSettings;
  log: BotLogger;
  /** A notification that could not be queued counts as `not-queued`. */
  counted?: (targetType: TargetType, result: "not-queued") => void;
  enqueueTimeoutMs?: number;
}

/**
 * Publishes by queueing one job per routed target, each retried with backoff by the notification
 * worker. The event is masked first (the caller's Secret values, every target's credentials), so
 * nothing unmasked reaches Redis. Failures are logged and swallowed: a notification never fails a deploy.
 */
export function queueNotifier(opts: QueueNotifierOptions): Notifier {
  const { queue, settings, log } = opts;
  const timeoutMs = opts.enqueueTimeoutMs ?? ENQUEUE_TIMEOUT_MS;
  return {
    async publish(event: NotificationEvent, options: PublishOptions = {}) {
      let masked: NotificationEvent;
      let names: string[];
      try {
        names = routeTargets(settings, event);
        masked = maskEvent(event, [...(options.redact ? [options.redact] : []), settings.redactTargets]);
      } catch (err) {
        // A bug here must not fail the deploy that publishes; the event itself is not logged: unmasked.
        log.error({ kind: event.kind, err: errorText(settings, err) }, "notification not published");
        return;
      }
      if (names.length === 0) return;
      const occurredAt = new Date().toISOString();
      await Promise.all(
        names.map(async (target) => {
          const data: NotificationJobData = { deliveryId: randomUUID(), target, event: masked, occurredAt };
          try {
            await withTimeout(
              queue.add(NOTIFY_JOB, data, {
                jobId: data.deliveryId,
                attempts: settings.attempts,
                backoff: { type: BACKOFF_STRATEGY },
                removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
                removeOnFail: { age: KEEP_FAILED_SECONDS },
              }),
              timeoutMs,
            );
          } catch (err) {
            const type = settings.targets.get(target)?.type;
            if (type) opts.counted?.(type, "not-queued");
            log.warn(
              {
                target,
                kind: masked.kind,
                environment: masked.environment,
                repository: masked.repository,
                err: errorText(settings, err),
              },
              "notification not queued",
            );
          }
        }),
      );
    },
  };
}

function routeTargets(settings: NotificationSettings, event: NotificationEvent): string[] {
  return routeEvent(settings.routes, event).filter((name) => settings.targets.has(name));
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not take the job within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function errorText(settings: NotificationSettings, err: unknown): string {
  return settings.redactTargets(err instanceof Error ? err.message : String(err));
}
