import { rejected, type WebhookReply } from "./webhook-reply.js";

// Fatal: a body that is not UTF-8 is refused rather than read with replacement characters, which would
// put names and refs into events that no host sent.
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A verified body as JSON, or the 400 that says why it is not (naming the delivery where it is known). */
export function parseJsonBody(
  body: Buffer,
  ids: Partial<Pick<WebhookReply, "deliveryId" | "event">> = {},
): { payload: unknown } | { reply: WebhookReply } {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { reply: rejected(400, "bad-request", "bad payload: not valid UTF-8", ids) };
  }
  try {
    return { payload: JSON.parse(text) };
  } catch {
    return { reply: rejected(400, "bad-request", "bad payload: not valid JSON", ids) };
  }
}
