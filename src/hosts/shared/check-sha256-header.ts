import type { Request } from "express";
import { rawBody } from "../../server/raw-body.js";
import { rejected, type WebhookReply } from "../../server/webhook-reply.js";
import { verifySha256Header } from "./verify-sha256-header.js";

/**
 * The body of a request signed with `X-Hub-Signature: sha256=<hex>` (both Bitbucket hosts), or the 401
 * for a missing or bad signature: a webhook without a secret is refused, not trusted.
 */
export function checkSha256Header(req: Request, secret: string): { body: Buffer } | { reply: WebhookReply } {
  const signature = req.get("x-hub-signature");
  if (!signature) {
    return {
      reply: rejected(401, "unauthorized", "missing X-Hub-Signature header: set a secret on the webhook"),
    };
  }
  const body = rawBody(req);
  if (!verifySha256Header(secret, body, signature)) {
    return { reply: rejected(401, "bad-signature", "bad X-Hub-Signature signature") };
  }
  return { body };
}
