import { rejected, type WebhookReply } from "./webhook-reply.js";

/** A verified body as JSON, or the 400 that says it is not JSON (naming the delivery where it is known). */
export function parseJsonBody(
  body: Buffer,
  ids: Partial<Pick<WebhookReply, "deliveryId" | "event">> = {},
): { payload: unknown } | { reply: WebhookReply } {
  try {
    return { payload: JSON.parse(body.toString("utf8")) };
  } catch {
    return { reply: rejected(400, "bad-request", "bad payload: not valid JSON", ids) };
  }
}
