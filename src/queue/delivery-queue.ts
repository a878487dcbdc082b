import type { Queue } from "bullmq";
import type { Delivery } from "../hosts/host-event.js";

/** The queue intake writes verified, normalized deliveries to; workers read it. */
export const DELIVERY_QUEUE = "zakenak-deliveries";

/** Completed jobs are kept this long so a redelivery of the same id is recognised and dropped. */
export const DEDUPE_WINDOW_SECONDS = 24 * 60 * 60;

/** Deterministic job id from the host's delivery id: a redelivered webhook maps to the same job. */
export function deliveryJobId(d: Pick<Delivery, "host" | "id">): string {
  // BullMQ reserves ':' in custom ids.
  return `${d.host}.${d.id}`.replaceAll(":", "_");
}

/**
 * Enqueues one delivery; a second delivery with the same id is not added again. Job data is the
 * normalized event only: no tokens, no secrets (workers fetch their own credentials).
 */
export async function enqueueDelivery(queue: Queue, d: Delivery): Promise<{ duplicate: boolean }> {
  const jobId = deliveryJobId(d);
  // One field of the job's hash (every job has its creation time), not getJob: one integer comes back
  // instead of the whole job read back.
  const client = await queue.backend.client;
  if ((await client.hexists(queue.toKey(jobId), "timestamp")) === 1) return { duplicate: true };
  await queue.add(d.event.type, d, {
    jobId,
    attempts: 8,
    backoff: { type: "zakenak" },
    removeOnComplete: { age: DEDUPE_WINDOW_SECONDS },
    removeOnFail: { age: 7 * DEDUPE_WINDOW_SECONDS },
  });
  return { duplicate: false };
}
