import type { Request, RequestHandler } from "express";
import { rawBody } from "../../server/raw-body.js";
import { type IntakeDeps, parseAndSettle } from "../../server/settle-delivery.js";
import { missingHeader, rejected, sendReply, type WebhookReply } from "../../server/webhook-reply.js";
import { parseGiteaEvent } from "./parse-gitea-event.js";
import { verifyGiteaSignature } from "./verify-gitea-signature.js";

/** `POST /api/gitea/webhooks` (Gitea and Forgejo): checks the HMAC signature, normalizes, enqueues. */
export function giteaWebhook(deps: IntakeDeps, webhookSecret: string): RequestHandler {
  return async (req, res) => {
    sendReply(res, deps, "gitea", await giteaReply(deps, webhookSecret, req));
  };
}

async function giteaReply(deps: IntakeDeps, secret: string, req: Request): Promise<WebhookReply> {
  // Forgejo sends its own headers next to the Gitea copies; they win when present.
  const forgejo = req.get("x-forgejo-event") !== undefined || req.get("x-forgejo-signature") !== undefined;
  const prefix = forgejo ? "X-Forgejo" : "X-Gitea";
  const header = (suffix: string) =>
    (forgejo ? req.get(`x-forgejo-${suffix}`) : undefined) ?? req.get(`x-gitea-${suffix}`);

  const signature = header("signature");
  if (signature === undefined) return missingHeader(`${prefix}-Signature`);
  if (signature === "") {
    return rejected(400, "bad-request", `empty ${prefix}-Signature header: set a secret on the webhook`);
  }
  const body = rawBody(req);
  if (!verifyGiteaSignature(secret, body, signature)) {
    return rejected(401, "bad-signature", `bad ${prefix}-Signature signature`);
  }
  // The fine-grained type tells a PR conversation comment from an issue comment; older servers only
  // send the coarse event.
  const event = header("event-type") ?? header("event");
  if (!event) return missingHeader(`${prefix}-Event-Type`);
  const deliveryId = header("delivery");
  if (!deliveryId) return { ...missingHeader(`${prefix}-Delivery`), event };
  return parseAndSettle(deps, "gitea", deliveryId, event, body, (payload) => parseGiteaEvent(event, payload));
}
