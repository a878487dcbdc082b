import type { Queue } from "bullmq";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Outcome of one webhook request, the `result` label of `zakenak_webhooks_total`. */
export type WebhookResult =
  | "accepted"
  | "duplicate"
  | "ignored"
  | "bad-request"
  | "unauthorized"
  | "forbidden"
  | "too-large"
  | "disabled"
  | "unavailable"
  | "error";

/**
 * Every Prometheus metric the bot exposes, on a registry of its own (never prom-client's global one,
 * so tests and several instances in one process do not collide). Intake and workers share one object.
 */
export interface Metrics {
  registry: Registry;
  webhooks: Counter<"host" | "event" | "result">;
  jobs: Counter<"type" | "result">;
  jobDuration: Histogram<"type">;
  /** Jobs not started yet (waiting, prioritized, delayed), read from BullMQ at scrape time. */
  queueDepth: Gauge;
  applies: Counter<"environment" | "result">;
  rollbacks: Counter<"environment" | "trigger">;
  /** Revision number currently deployed per environment. */
  deployedRevision: Gauge<"environment">;
}

export interface MetricsOptions {
  /** Source of `zakenak_queue_depth`; without one the gauge stays at 0. */
  queueDepth?: () => Promise<number>;
  /** Adds prom-client's process metrics (CPU, memory, event loop); on for the real process. */
  processMetrics?: boolean;
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const queueDepthSource = opts.queueDepth;
  const metrics: Metrics = {
    registry,
    webhooks: new Counter({
      name: "zakenak_webhooks_total",
      help: "Webhook requests by host, event and result",
      labelNames: ["host", "event", "result"] as const,
      registers,
    }),
    jobs: new Counter({
      name: "zakenak_jobs_total",
      help: "Finished jobs by type and result",
      labelNames: ["type", "result"] as const,
      registers,
    }),
    jobDuration: new Histogram({
      name: "zakenak_job_duration_seconds",
      help: "Job run time by type",
      labelNames: ["type"] as const,
      // Plans take seconds, applies up to the health timeout.
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    }),
    queueDepth: new Gauge({
      name: "zakenak_queue_depth",
      help: "Jobs waiting to run (waiting, prioritized and delayed)",
      registers,
      async collect() {
        if (!queueDepthSource) return;
        try {
          this.set(await queueDepthSource());
        } catch {
          // Redis unreachable: /readyz reports it; a scrape must not fail over one gauge.
        }
      },
    }),
    applies: new Counter({
      name: "zakenak_applies_total",
      help: "Applies by environment and result",
      labelNames: ["environment", "result"] as const,
      registers,
    }),
    rollbacks: new Counter({
      name: "zakenak_rollbacks_total",
      help: "Rollbacks by environment and trigger (automatic after failed health, or a command)",
      labelNames: ["environment", "trigger"] as const,
      registers,
    }),
    deployedRevision: new Gauge({
      name: "zakenak_deployed_revision",
      help: "Revision currently deployed per environment",
      labelNames: ["environment"] as const,
      registers,
    }),
  };
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });
  return metrics;
}

/** `zakenak_queue_depth` from a BullMQ queue's counts. */
export function queueDepthOf(queue: Queue): () => Promise<number> {
  return async () => {
    const counts = await queue.getJobCounts("waiting", "prioritized", "delayed");
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  };
}
