import { createHmac } from "node:crypto";
import type { NotificationEvent } from "./notification-event.js";

/** `sha256=<hex>`: HMAC-SHA256 of the raw body with the target's secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

export interface WebhookRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * The generic webhook: the event as JSON plus the delivery id and the time of sending, both inside the
 * signed body too, so that a receiver can drop replays and stale deliveries on signed data alone.
 */
export function formatWebhook(
  event: NotificationEvent,
  delivery: { id: string; occurredAt: string },
  secret: string,
  now = Date.now(),
): WebhookRequest {
  const timestamp = Math.floor(now / 1000);
  const body = JSON.stringify({
    deliveryId: delivery.id,
    timestamp,
    occurredAt: delivery.occurredAt,
    ...event,
  });
  return {
    body,
    headers: {
      "X-Zakenak-Event": event.kind,
      "X-Zakenak-Delivery": delivery.id,
      "X-Zakenak-Timestamp": String(timestamp),
      "X-Zakenak-Signature": signBody(secret, body),
    },
  };
}
