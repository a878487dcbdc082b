import type { Request, RequestHandler } from "express";
import { parseJsonBody } from "../../server/parse-json-body.js";
import type { IntakeDeps } from "../../server/settle-delivery.js";
import { missingHeader, sendReply, type WebhookReply } from "../../server/webhook-reply.js";
import { checkSha256Header } from "../shared/check-sha256-header.js";
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
  const signed = checkSha256Header(req, secret);
  if ("reply" in signed) return signed.reply;
  if (!eventKey) return missingHeader("X-Event-Key");
  const deliveryId = req.get("x-request-id");
  if (!deliveryId) return { ...missingHeader("X-Request-Id"), event: eventKey };

  const json = parseJsonBody(signed.body, { deliveryId, event: eventKey });
  if ("reply" in json) return json.reply;
  return settleBitbucketServerEvents(deps, deliveryId, eventKey, () =>
    parseBitbucketServerEvent(eventKey, json.payload),
  );
}
