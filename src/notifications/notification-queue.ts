import type { NotificationEvent } from "./notification-event.js";

/** Notifications have a queue of their own: a slow receiver never takes a slot a deploy could use. */
export const NOTIFICATION_QUEUE = "zakenak-notifications";

/** Job name of one event on its way to one target. */
export const NOTIFY_JOB = "notify";

/**
 * One event for one target. The target is named, not described: its URL and secret stay in the
 * workers' memory, out of Redis. The event was masked before it was queued.
 */
export interface NotificationJobData {
  /** Also the job id, and the `X-Zakenak-Delivery` header: the same on every retry. */
  deliveryId: string;
  target: string;
  event: NotificationEvent;
  /** When it was published (ISO 8601). */
  occurredAt: string;
}

/** Kept this long once done, to see what was sent; failed ones a week, to see what was not. */
export const KEEP_COMPLETED_SECONDS = 24 * 60 * 60;
export const KEEP_FAILED_SECONDS = 7 * 24 * 60 * 60;
