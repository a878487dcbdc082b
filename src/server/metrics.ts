import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { DriftState } from "../drift/drift-state.js";
import { registerDriftGauges } from "./drift-gauges.js";
import { LockHolds } from "./lock-holds.js";
import type { QueueProbe } from "./queue-probe.js";

/** Outcome of one webhook request, the `result` label of `zakenak_webhooks_total`. */
export type WebhookResult =
  | "accepted"
  | "duplicate"
  | "ignored"
  | "bad-request"
  /** No credentials at all (an unsigned delivery where a signature is required). */
  | "unauthorized"
  /** Credentials that do not match: a wrong secret, token or signature, or a forged delivery. */
  | "bad-signature"
  | "forbidden"
  | "too-large"
  | "disabled"
  | "unavailable"
  /** Refused before reading, intake being at its limit; the reason is in `zakenak_webhooks_shed_total`. */
  | "shed"
  | "error";

/** Why intake refused a delivery before reading it: too many requests in flight (503), or the queue full (429). */
export type ShedReason = "in-flight" | "queue-full";

/**
 * Every Prometheus metric the bot exposes, on a registry of its own (never prom-client's global one,
 * so tests and several instances in one process do not collide). Intake and workers share one object.
 */
export interface Metrics {
  registry: Registry;
  webhooks: Counter<"host" | "event" | "result">;
  /** Deliveries refused by load shedding, by host and reason. */
  webhooksShed: Counter<"host" | "reason">;
  jobs: Counter<"type" | "result">;
  jobDuration: Histogram<"type">;
  applies: Counter<"environment" | "result">;
  /** A pushed commit's deploy step: render, lock wait, apply, health, any automatic rollback. */
  deployDuration: Histogram<"environment">;
  /** The part under the environment's lock: history, apply, health, any automatic rollback. */
  applyDuration: Histogram<"environment">;
  rollbacks: Counter<"environment" | "trigger">;
  /** Revision number currently deployed per environment. */
  deployedRevision: Gauge<"environment">;
  /** How long each environment lock this process took was held, observed when it is let go. */
  lockHeld: Histogram<"environment">;
  /** The environment locks this process holds now, for `zakenak_environment_lock_age_seconds`. */
  lockHolds: LockHolds;
  /** Notification deliveries by target type and result (sent, retrying, failed, not-queued). */
  notifications: Counter<"target_type" | "result">;
}

export interface MetricsOptions {
  /** Source of the queue and Redis gauges, read at scrape time; without one they are not exported. */
  queue?: QueueProbe;
  /** Adds prom-client's process metrics (CPU, memory, event loop); on for the real process. */
  processMetrics?: boolean;
  /** Source of the drift gauges (the drift states in Redis), read at scrape time. */
  drift?: () => Promise<DriftState[]>;
}

// Plans take seconds; applies run up to the health timeout (300 s by default) and may roll back after.
const LONG_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const lockHolds = new LockHolds();
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Histogram<L>({ name, help, labelNames, buckets: LONG_BUCKETS, registers });
  const metrics: Metrics = {
    registry,
    webhooks: new Counter({
      name: "zakenak_webhooks_total",
      help: "Webhook requests by host, event and result",
      labelNames: ["host", "event", "result"] as const,
      registers,
    }),
    webhooksShed: new Counter({
      name: "zakenak_webhooks_shed_total",
      help: "Webhook deliveries refused before reading by host and reason (in-flight: 503, queue-full: 429)",
      labelNames: ["host", "reason"] as const,
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
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    }),
    applies: new Counter({
      name: "zakenak_applies_total",
      help: "Deploys of pushed commits by environment and result (succeeded, failed, rolled-back, superseded, refused)",
      labelNames: ["environment", "result"] as const,
      registers,
    }),
    deployDuration: histogram(
      "zakenak_deploy_duration_seconds",
      "Deploy of a pushed commit by environment: render, lock wait, apply, health and any automatic rollback",
      ["environment"] as const,
    ),
    applyDuration: histogram(
      "zakenak_apply_duration_seconds",
      "Apply under the environment's lock by environment: history, server-side apply, health and any automatic rollback",
      ["environment"] as const,
    ),
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
    lockHeld: histogram(
      "zakenak_environment_lock_held_seconds",
      "How long an environment lock was held (apply or rollback), observed when it is let go",
      ["environment"] as const,
    ),
    lockHolds,
    notifications: new Counter({
      name: "zakenak_notifications_total",
      help: "Notification deliveries by target type and result (sent, retrying, failed, not-queued)",
      labelNames: ["target_type", "result"] as const,
      registers,
    }),
  };
  new Gauge({
    name: "zakenak_environment_lock_age_seconds",
    help: "How long each environment lock this process holds now has been held",
    labelNames: ["environment"] as const,
    registers,
    collect() {
      this.reset();
      for (const [environment, seconds] of lockHolds.ages()) this.set({ environment }, seconds);
    },
  });
  if (opts.queue) registerQueueGauges(registry, opts.queue);
  if (opts.drift) registerDriftGauges(registry, opts.drift);
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });
  return metrics;
}

/**
 * The gauges read from Redis at scrape time. A read that fails reports NaN rather than a stale or a
 * made-up value: comparisons with NaN are false, so only the Redis alert fires during an outage.
 */
function registerQueueGauges(registry: Registry, probe: QueueProbe): void {
  const gauge = (name: string, help: string, read: () => Promise<number>) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(await read().catch(() => Number.NaN));
      },
    });
  gauge("zakenak_queue_depth", "Jobs waiting to run (waiting, prioritized and delayed)", () => probe.depth());
  gauge(
    "zakenak_queue_oldest_waiting_job_age_seconds",
    "Seconds the oldest job ready to run has waited for a worker; 0 when none waits",
    () => probe.oldestWaitingAgeSeconds(),
  );
  gauge("zakenak_queue_workers", "Workers connected to the delivery queue (Redis client list)", () =>
    probe.workers(),
  );
  gauge("zakenak_redis_up", "1 when Redis answered PING at scrape time, else 0", async () =>
    (await probe.redisUp()) ? 1 : 0,
  );
}
