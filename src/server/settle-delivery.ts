import type { Queue } from "bullmq";
import type { Logger } from "pino";
import { isZakenakError } from "../errors.js";
import { isIgnored, type ParseResult } from "../hosts/common/parse-result.js";
import { requireWholeEvent } from "../hosts/common/whole-event.js";
import type { HostKind } from "../hosts/host-event.js";
import { enqueueDelivery } from "../queue/delivery-queue.js";
import type { Metrics } from "./metrics.js";
import { parseJsonBody } from "./parse-json-body.js";
import { rejected, type WebhookReply } from "./webhook-reply.js";

/** What every host's intake route needs once a request is verified. */
export interface IntakeDeps {
  queue: Queue;
  logger: Logger;
  metrics: Metrics;
  /** Whether a repository is served: `ZAKENAK_REPO_ALLOWLIST` and the server configuration's repositories. */
  allowed: (fullName: string) => boolean;
}

/**
 * Turns a verified request body into a reply: parse JSON, normalize with the host's parser, check the
 * allowlist, enqueue. Nothing else happens inline; workers do the rest.
 */
export async function parseAndSettle(
  deps: IntakeDeps,
  host: HostKind,
  deliveryId: string,
  event: string,
  rawBody: Buffer,
  parse: (payload: unknown) => ParseResult,
): Promise<WebhookReply> {
  const json = parseJsonBody(rawBody, { deliveryId, event });
  if ("reply" in json) return json.reply;
  return settleDelivery(deps, host, deliveryId, event, () => parse(json.payload));
}

/** Normalizes (a bad payload is a 400), checks the allowlist (403) and enqueues (202) one delivery. */
export async function settleDelivery(
  deps: IntakeDeps,
  host: HostKind,
  deliveryId: string,
  event: string,
  parse: () => ParseResult,
): Promise<WebhookReply> {
  let parsed: ParseResult;
  try {
    parsed = parse();
    if (!isIgnored(parsed)) requireWholeEvent(parsed, event);
  } catch (error) {
    if (isZakenakError(error) && error.code === "invalid") {
      return rejected(400, "bad-request", error.message, { deliveryId, event });
    }
    throw error;
  }
  if (isIgnored(parsed)) {
    const message = `ignored: ${parsed.ignored}`;
    return { status: 200, result: "ignored", body: { result: "ignored", message }, deliveryId, event };
  }
  const known = { deliveryId, event, repo: parsed.repo.fullName, type: parsed.type };
  if (!deps.allowed(parsed.repo.fullName)) {
    return rejected(
      403,
      "forbidden",
      `repository ${parsed.repo.fullName} is not served here (ZAKENAK_REPO_ALLOWLIST, server configuration)`,
      known,
    );
  }
  let duplicate: boolean;
  try {
    ({ duplicate } = await enqueueDelivery(deps.queue, { id: deliveryId, host, event: parsed }));
  } catch (error) {
    // A 5xx marks the delivery failed on the host, where it can be redelivered once Redis is back.
    return rejected(503, "unavailable", "queue unavailable, deliver again later", {
      ...known,
      cause: (error as Error).message,
    });
  }
  if (duplicate) {
    const message = `duplicate delivery ${deliveryId}: already queued`;
    return { status: 202, result: "duplicate", body: { result: "duplicate", deliveryId, message }, ...known };
  }
  return {
    status: 202,
    result: "accepted",
    body: { result: "accepted", deliveryId, type: parsed.type },
    ...known,
  };
}
