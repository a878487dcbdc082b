import type { Redact } from "../planning/secret-redactor.js";
import type { NotificationEvent } from "./notification-event.js";

export interface PublishOptions {
  /** Masks the Secret values the event may quote (those of the objects deployed); applied to every text field. */
  redact?: Redact;
}

/**
 * Tells the configured targets about an event. Never throws and never waits for a target: delivery
 * happens later, through the queue, so a slow or failing receiver cannot hold up or fail a deploy.
 */
export interface Notifier {
  publish(event: NotificationEvent, options?: PublishOptions): Promise<void>;
}
