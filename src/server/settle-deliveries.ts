import type { ParseResult } from "../hosts/common/parse-result.js";
import type { HostKind } from "../hosts/host-event.js";
import { type IntakeDeps, settleDelivery } from "./settle-delivery.js";
import type { WebhookReply } from "./webhook-reply.js";

type SettleOne<T> = (id: string, item: T) => Promise<WebhookReply>;

/** How a host queues a delivery that carries several events (a push of several refs). */
export type SeveralEvents<T> = {
  /**
   * What follows the delivery id in the id of the event at `index` when there are several (`.1`, `:<ref>`).
   * It must come from the payload alone: a redelivery then gets the same ids, and the queue's dedupe lets
   * each event through once, also when the first delivery failed halfway.
   */
  suffix: (index: number, item: T) => string;
  /** The one reply for several events, none of which failed; each host keeps its own reply body. */
  combine: (replies: WebhookReply[]) => WebhookReply;
} & ([T] extends [ParseResult]
  ? { /** Queues one event under an id; `settleDelivery` by default. */ settle?: SettleOne<T> }
  : {
      /** Queues one event under an id, e.g. after completing it with a call to the host. */ settle: SettleOne<T>;
    });

/**
 * Settles the events of one verified delivery. A single event is settled under the delivery's own id;
 * several each under `<deliveryId><suffix>`, in order, stopping at the first failure. A payload without
 * the documented fields gets `settleDelivery`'s 400.
 */
export async function settleDeliveries<T>(
  deps: IntakeDeps,
  host: HostKind,
  deliveryId: string,
  event: string,
  parseMany: () => T[],
  several: SeveralEvents<T>,
): Promise<WebhookReply> {
  let items: T[];
  try {
    items = parseMany();
  } catch (error) {
    // settleDelivery answers a payload without the documented fields with its 400, and rethrows the rest.
    return settleDelivery(deps, host, deliveryId, event, () => {
      throw error;
    });
  }
  // Without a host's own step, the items are parse results (the type above makes sure of it).
  const settle: SettleOne<T> =
    several.settle ?? ((id, item) => settleDelivery(deps, host, id, event, () => item as ParseResult));
  const [only] = items;
  if (items.length === 1 && only !== undefined) return settle(deliveryId, only);
  const replies: WebhookReply[] = [];
  for (const [index, item] of items.entries()) {
    const reply = await settle(`${deliveryId}${several.suffix(index, item)}`, item);
    // The events share one repository and one queue: a refusal (403) or an outage (5xx) holds for the rest,
    // and the redelivery a failure asks for skips what already went through.
    if (reply.status >= 400) return { ...reply, deliveryId };
    replies.push(reply);
  }
  return several.combine(replies);
}
