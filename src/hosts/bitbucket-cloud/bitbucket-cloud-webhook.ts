import type { Request, RequestHandler } from "express";
import { isZakenakError } from "../../errors.js";
import { parseJsonBody } from "../../server/parse-json-body.js";
import { settleDeliveries } from "../../server/settle-deliveries.js";
import { type IntakeDeps, settleDelivery } from "../../server/settle-delivery.js";
import { missingHeader, rejected, sendReply, type WebhookReply } from "../../server/webhook-reply.js";
import { checkSha256Header } from "../shared/check-sha256-header.js";
import { createBitbucketCloudApi } from "./bitbucket-cloud-api.js";
import type { BitbucketCloudEnv } from "./bitbucket-cloud-env.js";
import { pullRequestHeads } from "./bitbucket-cloud-pr-heads.js";
import { fullShaEvent, type Intake } from "./full-sha-event.js";
import { type BitbucketParsed, parseBitbucketCloudEvent } from "./parse-bitbucket-cloud-event.js";

/**
 * `POST /api/bitbucket-cloud/webhooks`: checks the HMAC signature (a webhook without a secret is refused),
 * normalizes, expands the 12-character hashes of pull request payloads to full shas, enqueues. A push
 * delivery that changed several refs becomes one job per ref, with the delivery id suffixed `.1`, `.2`…
 */
export function bitbucketCloudWebhook(deps: IntakeDeps, settings: BitbucketCloudEnv): RequestHandler {
  const intake: Intake = {
    deps,
    api: createBitbucketCloudApi(settings.apiUrl, settings.auth),
    heads: pullRequestHeads(deps.queue),
  };
  return async (req, res) => {
    sendReply(res, deps, "bitbucket", await bitbucketCloudReply(intake, settings.webhookSecret, req));
  };
}

async function bitbucketCloudReply(intake: Intake, secret: string, req: Request): Promise<WebhookReply> {
  const signed = checkSha256Header(req, secret);
  if ("reply" in signed) return signed.reply;
  const event = req.get("x-event-key");
  if (!event) return missingHeader("X-Event-Key");
  const deliveryId = req.get("x-request-uuid");
  if (!deliveryId) return { ...missingHeader("X-Request-UUID"), event };
  const json = parseJsonBody(signed.body, { deliveryId, event });
  if ("reply" in json) return json.reply;
  return settleDeliveries(
    intake.deps,
    "bitbucket",
    deliveryId,
    event,
    () => parseBitbucketCloudEvent(event, json.payload),
    {
      suffix: (index) => `.${index + 1}`,
      settle: (id, item) => settleOne(intake, id, event, item),
      combine: (replies) => combine(deliveryId, event, replies),
    },
  );
}

async function settleOne(intake: Intake, id: string, event: string, item: BitbucketParsed) {
  const { deps } = intake;
  let settled: Awaited<ReturnType<typeof fullShaEvent>>;
  try {
    settled = await fullShaEvent(intake, item);
  } catch (error) {
    const message = isZakenakError(error) ? error.message : String(error);
    if (isZakenakError(error) && !error.retryable) {
      return rejected(500, "error", `cannot read the commit from Bitbucket Cloud: ${message}`, {
        deliveryId: id,
        event,
      });
    }
    return rejected(
      503,
      "unavailable",
      "Bitbucket Cloud did not answer the commit lookup, deliver again later",
      {
        deliveryId: id,
        event,
        cause: message,
      },
    );
  }
  const reply = await settleDelivery(deps, "bitbucket", id, event, () => settled.result);
  if (reply.status === 202) await settled.accepted?.();
  return reply;
}

/** One reply for a push of several refs, none failed: what became of each. */
function combine(deliveryId: string, event: string, replies: WebhookReply[]): WebhookReply {
  const accepted = replies.some((r) => r.result === "accepted");
  const result = accepted
    ? "accepted"
    : replies.some((r) => r.result === "duplicate")
      ? "duplicate"
      : "ignored";
  return {
    status: result === "ignored" ? 200 : 202,
    result,
    body: { result, deliveryId, events: replies.map((r) => ({ deliveryId: r.deliveryId, ...r.body })) },
    deliveryId,
    event,
    ...(replies.find((r) => r.repo)?.repo ? { repo: replies.find((r) => r.repo)?.repo } : {}),
    ...(accepted ? { type: "push" } : {}),
  };
}
