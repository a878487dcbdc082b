import { settleDeliveries } from "../../server/settle-deliveries.js";
import type { IntakeDeps } from "../../server/settle-delivery.js";
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
  return settleDeliveries(deps, "bitbucket-server", deliveryId, event, parse, {
    suffix: (index) => `.${index}`,
    combine: (replies) => {
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
    },
  });
}
