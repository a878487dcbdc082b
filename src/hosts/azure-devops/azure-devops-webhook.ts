import type { Request, RequestHandler } from "express";
import { parseJsonBody } from "../../server/parse-json-body.js";
import { rawBody } from "../../server/raw-body.js";
import { settleDeliveries } from "../../server/settle-deliveries.js";
import type { IntakeDeps } from "../../server/settle-delivery.js";
import { rejected, sendReply, type WebhookReply } from "../../server/webhook-reply.js";
import { parseAzureDevOpsEvent } from "./parse-azure-devops-event.js";
import { verifyAzureDevOpsBasicAuth } from "./verify-azure-devops-basic-auth.js";

export interface AzureDevOpsHookCredentials {
  user: string;
  password: string;
}

/** `POST /api/azure-devops/webhooks`: checks the service hook's Basic credentials, normalizes, enqueues. */
export function azureDevOpsWebhook(
  deps: IntakeDeps,
  credentials: AzureDevOpsHookCredentials,
): RequestHandler {
  return async (req, res) => {
    sendReply(res, deps, "azure-devops", await azureDevOpsReply(deps, credentials, req));
  };
}

async function azureDevOpsReply(
  deps: IntakeDeps,
  credentials: AzureDevOpsHookCredentials,
  req: Request,
): Promise<WebhookReply> {
  // Nothing else proves where a delivery comes from: no credentials, no look at the body.
  const authorization = req.get("authorization");
  if (!verifyAzureDevOpsBasicAuth(authorization, credentials)) {
    // Told apart for the metrics: no credentials is a service hook set up without them, wrong ones may
    // be a forgery.
    const result = authorization ? "bad-signature" : "unauthorized";
    return rejected(401, result, "missing or bad Basic credentials (set them on the service hook)");
  }
  const json = parseJsonBody(rawBody(req));
  if ("reply" in json) return json.reply;
  const payload = json.payload as { eventType?: unknown; id?: unknown } | null;
  // There is no event header: the body names the event, and its id (the event's) is the delivery id.
  const event = typeof payload?.eventType === "string" ? payload.eventType : "";
  if (!event) return rejected(400, "bad-request", "bad payload: no eventType");
  const deliveryId = typeof payload?.id === "string" ? payload.id : "";
  if (!deliveryId) return rejected(400, "bad-request", "bad payload: no id", { event });

  return settleDeliveries(
    deps,
    "azure-devops",
    deliveryId,
    event,
    () => parseAzureDevOpsEvent(event, payload),
    {
      // One push of several refs: one delivery per ref, each with its own dedupe key.
      suffix: (index, result) => `:${"ref" in result ? result.ref : String(index)}`,
      combine: combined,
    },
  );
}

/** The first reply that queued something (else the first), with every outcome. */
function combined(replies: WebhookReply[]): WebhookReply {
  const first = replies.find((r) => r.result !== "ignored") ?? (replies[0] as WebhookReply);
  return { ...first, body: { result: first.result, deliveries: replies.map((r) => r.body) } };
}
