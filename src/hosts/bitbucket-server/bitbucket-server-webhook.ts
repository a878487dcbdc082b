import type { Request, RequestHandler } from "express";
import { rawBody } from "../../server/raw-body.js";
import type { IntakeDeps } from "../../server/settle-delivery.js";
import { missingHeader, rejected, sendReply, type WebhookReply } from "../../server/webhook-reply.js";
import { verifySha256Header } from "../shared/verify-sha256-header.js";
import { parseBitbucketServerEvent } from "./parse-bitbucket-server-event.js";
import { settleBitbucketServerEvents } from "./settle-bitbucket-server-events.js";

/** The test event of Bitbucket's webhook form, sent without a signature. */
const PING = "diagnostics:ping";

/** `POST /api/bitbucket-server/webhooks`: checks `X-Hub-Signature`, normalizes, enqueues. */
export function bitbucketServerWebhook(deps: IntakeDeps, webhookSecret: string): RequestHandler {
  return async (req, res) => {
    sendReply(res, deps, "bitbucket-server", await bitbucketServerReply(deps, webhookSecret, req));
  };
}

async function bitbucketServerReply(deps: IntakeDeps, secret: string, req: Request): Promise<WebhookReply> {
  const eventKey = req.get("x-event-key");
  // Bitbucket never signs its "Test connection" request; it only needs to see a 200. Nothing is queued.
  if (eventKey === PING) {
    const body = { result: "ignored", message: "ignored: diagnostics:ping (connection test)" };
    return { status: 200, result: "ignored", body, event: PING };
  }
  const signature = req.get("x-hub-signature");
  if (!signature) {
    return rejected(401, "unauthorized", "missing X-Hub-Signature header: set a secret on the webhook");
  }
  const body = rawBody(req);
  if (!verifySha256Header(secret, body, signature)) {
    return rejected(401, "unauthorized", "bad X-Hub-Signature signature");
  }
  if (!eventKey) return missingHeader("X-Event-Key");
  const deliveryId = req.get("x-request-id");
  if (!deliveryId) return { ...missingHeader("X-Request-Id"), event: eventKey };

  let payload: unknown;
  try {
    payload = JSON.parse(body.toString("utf8"));
  } catch {
    return rejected(400, "bad-request", "bad payload: not valid JSON", { deliveryId, event: eventKey });
  }
  return settleBitbucketServerEvents(deps, deliveryId, eventKey, () =>
    parseBitbucketServerEvent(eventKey, payload),
  );
}
