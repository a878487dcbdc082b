import type { Request, RequestHandler } from "express";
import { rawBody } from "../../server/raw-body.js";
import { type IntakeDeps, parseAndSettle } from "../../server/settle-delivery.js";
import { missingHeader, rejected, sendReply, type WebhookReply } from "../../server/webhook-reply.js";
import { parseGitlabEvent } from "./parse-gitlab-event.js";
import { verifyGitlabToken } from "./verify-gitlab-token.js";

/** `POST /api/gitlab/webhooks`: checks `X-Gitlab-Token`, normalizes, enqueues. */
export function gitlabWebhook(deps: IntakeDeps, webhookSecret: string): RequestHandler {
  return async (req, res) => {
    sendReply(res, deps, "gitlab", await gitlabReply(deps, webhookSecret, req));
  };
}

async function gitlabReply(deps: IntakeDeps, secret: string, req: Request): Promise<WebhookReply> {
  const token = req.get("x-gitlab-token");
  if (!token) return missingHeader("X-Gitlab-Token");
  if (!verifyGitlabToken(secret, token)) return rejected(401, "bad-signature", "bad X-Gitlab-Token");
  const event = req.get("x-gitlab-event");
  if (!event) return missingHeader("X-Gitlab-Event");
  // Idempotency-Key (GitLab ≥17.4) survives retries; the event UUID is the older per-event id.
  const deliveryId = req.get("idempotency-key") || req.get("x-gitlab-event-uuid");
  if (!deliveryId) return { ...missingHeader("X-Gitlab-Event-UUID"), event };
  return parseAndSettle(deps, "gitlab", deliveryId, event, rawBody(req), (payload) =>
    parseGitlabEvent(event, payload),
  );
}
