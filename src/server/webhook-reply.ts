import type { Response } from "express";
import type { Logger } from "pino";
import type { HostKind } from "../hosts/host-event.js";
import type { Metrics, WebhookResult } from "./metrics.js";

/** What intake answers one webhook request with, plus what it logs and counts about it. */
export interface WebhookReply {
  status: number;
  body: Record<string, unknown>;
  result: WebhookResult;
  /**
   * The host's event name once the request is verified; `unknown` before, so unauthenticated callers
   * cannot add label values to the metric.
   */
  event: string;
  deliveryId?: string;
  repo?: string;
  /** Normalized event type, when there is one. */
  type?: string;
  /** Logged, never sent: internal detail behind a 5xx. */
  cause?: string;
}

export function missingHeader(name: string): WebhookReply {
  return rejected(400, "bad-request", `missing ${name} header`);
}

export function rejected(
  status: number,
  result: WebhookResult,
  error: string,
  extra: Partial<WebhookReply> = {},
): WebhookReply {
  return { status, result, body: { error }, event: "unknown", ...extra };
}

/** Writes the reply, counts it in `zakenak_webhooks_total` and logs one line about it. */
export function sendReply(
  res: Response,
  deps: { logger: Logger; metrics: Metrics },
  host: HostKind,
  reply: WebhookReply,
): void {
  deps.metrics.webhooks.inc({ host, event: reply.event, result: reply.result });
  const fields = {
    deliveryId: reply.deliveryId,
    host,
    event: reply.event,
    repo: reply.repo,
    type: reply.type,
    result: reply.result,
    status: reply.status,
    cause: reply.cause,
  };
  const message = typeof reply.body.error === "string" ? reply.body.error : `webhook ${reply.result}`;
  if (reply.status >= 500) deps.logger.error(fields, message);
  else if (reply.status >= 400) deps.logger.warn(fields, message);
  else deps.logger.info(fields, message);
  res.status(reply.status).json(reply.body);
}
