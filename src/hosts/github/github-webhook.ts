import type { Request, RequestHandler } from "express";
import { rawBody } from "../../server/raw-body.js";
import { type IntakeDeps, parseAndSettle } from "../../server/settle-delivery.js";
import { missingHeader, rejected, sendReply, type WebhookReply } from "../../server/webhook-reply.js";
import { verifySha256Header } from "../shared/verify-sha256-header.js";
import type { GithubEnv } from "./github-env.js";
import { parseGithubEvent } from "./parse-github-event.js";

/**
 * `POST /api/github/webhooks`: checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw bytes, as GitHub signs
 * them), normalizes and enqueues, like every other host. Nothing here builds an Octokit or authenticates
 * as the App: that happens in the workers, for the deliveries that need it, so intake costs one HMAC and
 * one enqueue per request.
 */
export function githubWebhook(deps: IntakeDeps, github: Pick<GithubEnv, "webhookSecret">): RequestHandler {
  return async (req, res) => {
    sendReply(res, deps, "github", await githubReply(deps, github.webhookSecret, req));
  };
}

async function githubReply(deps: IntakeDeps, secret: string, req: Request): Promise<WebhookReply> {
  const missing = ["X-GitHub-Event", "X-Hub-Signature-256", "X-GitHub-Delivery"].filter((h) => !req.get(h));
  if (missing.length > 1) {
    return rejected(400, "bad-request", `missing ${missing.join(", ")} headers`);
  }
  if (missing[0]) return missingHeader(missing[0]);
  const event = req.get("x-github-event") as string;
  const deliveryId = req.get("x-github-delivery") as string;
  const body = rawBody(req);
  if (!verifySha256Header(secret, body, req.get("x-hub-signature-256") as string)) {
    return rejected(401, "bad-signature", "bad X-Hub-Signature-256 signature");
  }
  // GitHub can also deliver form-encoded payloads; the App is registered for JSON (app.yml).
  if (!req.is("application/json")) {
    return rejected(415, "bad-request", "unsupported Content-Type: must be application/json", { event });
  }
  return parseAndSettle(deps, "github", deliveryId, event, body, (payload) =>
    parseGithubEvent(event, payload),
  );
}
