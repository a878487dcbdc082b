import type { RequestHandler, Response } from "express";
import type { Logger } from "pino";
import type { IntakeLimits } from "../config/env-config.js";
import type { HostKind } from "../hosts/host-event.js";
import type { Metrics, ShedReason } from "./metrics.js";
import type { WaitingCount } from "./waiting-count.js";

/** Seconds a host is asked to wait: requests in flight clear in milliseconds, a backlog in minutes. */
export const RETRY_AFTER_SECONDS: Record<ShedReason, number> = { "in-flight": 1, "queue-full": 30 };

/** While deliveries are being shed: one line when it starts, then a summary per this many milliseconds. */
const SHED_LOG_INTERVAL_MS = 10_000;

export interface SheddingDeps {
  limits: IntakeLimits;
  waiting: WaitingCount;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Bounded intake, run before the body is read: a delivery is refused with 503 when the process already
 * handles `maxInflight` webhook requests, and with 429 when the queue holds `maxWaiting` jobs not started
 * yet (a cached count, see waiting-count.ts). Both answers carry `Retry-After` and name the reason. They
 * are counted in `zakenak_webhooks_shed_total` and logged as summaries (see shedLog), so a flood
 * does not turn into a flood of log lines. One handler per process, shared by every host's route.
 */
export function intakeShedding(deps: SheddingDeps): (host: HostKind) => RequestHandler {
  const { limits, waiting, metrics } = deps;
  let inflight = 0;
  const log = shedLog(deps.logger);
  const refuse = (res: Response, host: HostKind, reason: ShedReason, detail: string) => {
    metrics.webhooks.inc({ host, event: "unknown", result: "shed" });
    metrics.webhooksShed.inc({ host, reason });
    log(host, reason);
    const [status, what] = reason === "in-flight" ? [503, "overloaded"] : [429, "queue full"];
    res.setHeader("Retry-After", String(RETRY_AFTER_SECONDS[reason]));
    res.status(status).json({ error: `${what}: ${detail}; deliver again later`, reason });
  };
  return (host) => (_req, res, next) => {
    if (inflight >= limits.maxInflight) {
      refuse(
        res,
        host,
        "in-flight",
        `${limits.maxInflight} requests in flight (ZAKENAK_INTAKE_MAX_INFLIGHT)`,
      );
      return;
    }
    const backlog = waiting.current();
    if (backlog >= limits.maxWaiting) {
      const detail = `${backlog} jobs waiting, limit ${limits.maxWaiting} (ZAKENAK_QUEUE_MAX_WAITING)`;
      refuse(res, host, "queue-full", detail);
      return;
    }
    inflight++;
    let done = false;
    // "close" comes once the answer is sent or the client went away, whichever happens first.
    res.once("close", () => {
      if (done) return;
      done = true;
      inflight--;
      if (res.statusCode === 202) waiting.added();
    });
    next();
  };
}

/** Logs the first shed delivery at once, then one line with the counts per interval while shedding goes on. */
function shedLog(logger: Logger): (host: HostKind, reason: ShedReason) => void {
  let since = 0;
  let counts: Record<string, number> = {};
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (Object.keys(counts).length === 0) return;
    logger.warn({ shed: counts, seconds: (Date.now() - since) / 1000 }, "webhook deliveries shed");
    counts = {};
  };
  return (host, reason) => {
    const key = `${host}/${reason}`;
    if (timer === undefined) {
      logger.warn({ host, reason }, "shedding webhook deliveries: intake is at its limit");
      since = Date.now();
      timer = setTimeout(flush, SHED_LOG_INTERVAL_MS);
      timer.unref();
      return;
    }
    counts[key] = (counts[key] ?? 0) + 1;
  };
}
