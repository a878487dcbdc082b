import { type IntakeDeps, settleDelivery } from "../../server/settle-delivery.js";
import type { WebhookReply } from "../../server/webhook-reply.js";
import type { ParseResult } from "../common/parse-result.js";

/**
 * Settles the events of one verified delivery. One event is settled under the delivery's own id. A push of
 * several refs is settled event by event under `<id>.<index of the change>`: the ids stay the same when
 * Bitbucket redelivers, so each ref is queued once, and a delivery that failed halfway (the queue went
 * away) is completed by the redelivery without queueing twice what already went through.
 */
export async function settleBitbucketServerEvents(
  deps: IntakeDeps,
  deliveryId: string,
  event: string,
  parse: () => ParseResult[],
): Promise<WebhookReply> {
  let results: ParseResult[];
  try {
    results = parse();
  } catch (error) {
    // settleDelivery answers a payload without the documented fields with its 400, and rethrows the rest.
    return settleDelivery(deps, "bitbucket-server", deliveryId, event, () => {
      throw error;
    });
  }
  const [only] = results;
  if (results.length === 1 && only) {
    return settleDelivery(deps, "bitbucket-server", deliveryId, event, () => only);
  }
  const replies: WebhookReply[] = [];
  for (const [index, result] of results.entries()) {
    const reply = await settleDelivery(
      deps,
      "bitbucket-server",
      `${deliveryId}.${index}`,
      event,
      () => result,
    );
    // The changes share one repository: a refusal (403) or an outage (503) holds for them all.
    if (reply.status >= 300) return { ...reply, deliveryId };
    replies.push(reply);
  }
  const deliveries = replies.map((r) => ({ ...r.body, deliveryId: r.deliveryId }));
  const queued = replies.filter((r) => r.result !== "ignored");
  if (queued.length === 0) {
    const message = replies.map((r) => String(r.body.message)).join("; ");
    return { status: 200, result: "ignored", body: { result: "ignored", message }, deliveryId, event };
  }
  const result = queued.some((r) => r.result === "accepted") ? "accepted" : "duplicate";
  return {
    status: 202,
    result,
    body: { result, deliveryId, deliveries },
    deliveryId,
    event,
    repo: queued[0]?.repo,
    type: queued.map((r) => r.type).join(","),
  };
}
