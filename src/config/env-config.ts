import { z } from "zod";
import type { HostKind } from "../hosts/host-event.js";
import { HOSTS, type HostSettings } from "../hosts/host-registry.js";
import type { RedisTopology } from "../queue/redis-topology.js";
import { envInvalid } from "./env-invalid.js";
import type { RawEnv } from "./raw-env.js";
import { readRedisEnv } from "./redis-env.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** GitHub refuses to send payloads over 25 MB; no host sends more. */
export const DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024;

/** How the queue workers run, in `serve` and in `worker`. */
export interface WorkerEnv {
  /** Jobs one process runs at once (ZAKENAK_WORKER_CONCURRENCY, default 4). */
  concurrency: number;
  /** Wait for health after an apply (ZAKENAK_APPLY_WAIT; false only for clusters without controllers). */
  applyWait: boolean;
  /** How long an apply waits for another holding the environment's lock (ZAKENAK_LOCK_WAIT_SECONDS). */
  lockWaitMs: number;
  /**
   * How long `serve` and `worker` may take to drain after SIGTERM before they exit regardless
   * (ZAKENAK_SHUTDOWN_SECONDS, default 25: under Kubernetes' default grace period of 30 s).
   */
  shutdownSeconds: number;
  /**
   * BullMQ's lock duration and stalled-job check interval, in seconds (ZAKENAK_STALL_SECONDS, default 30
   * as BullMQ's): how soon another worker takes over the job of a worker that died.
   */
  stallSeconds: number;
}

/** Load shedding at webhook intake, per `serve` process. */
export interface IntakeLimits {
  /** Requests handled at once before more are refused with 503 (ZAKENAK_INTAKE_MAX_INFLIGHT, default 64). */
  maxInflight: number;
  /** Jobs waiting in the queue before deliveries are refused with 429 (ZAKENAK_QUEUE_MAX_WAITING, default 10000). */
  maxWaiting: number;
}

/** The bot's process configuration. Holds secrets: never log it, never put it in job data. */
export interface EnvConfig {
  port: number;
  /** Where Redis is: one server, a Sentinel-watched master or a Cluster (see `readRedisEnv`). */
  redis: RedisTopology;
  /**
   * `owner/name` globs (`*` within one path segment, `**` across segments, case-insensitive; `*` alone
   * for every repository). With the server configuration's repositories, what is served; empty and no
   * server configuration: `serve` refuses to start.
   */
  repoAllowlist: string[];
  maxBodyBytes: number;
  intake: IntakeLimits;
  /** The operator's server configuration file (`ZAKENAK_SERVER_CONFIG`); unset: single-tenant mode. */
  serverConfig?: string;
  /** Kubeconfig path (or a list, as kubectl reads it); unset: in-cluster or `~/.kube/config`. */
  kubeconfig?: string;
  dashboardToken?: string;
  logLevel: LogLevel;
  workers: WorkerEnv;
  /** The enabled hosts' settings, by kind: a host is enabled when all of its variables are set. */
  hosts: HostSettings;
}

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

const ALLOWLIST_GLOB = /^(\*\*?|[A-Za-z0-9._*-]+(\/[A-Za-z0-9._*-]+)+)$/;

const schema = z.object({
  PORT: wholeNumber(0, 65535).default(3000),
  ZAKENAK_REPO_ALLOWLIST: z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((g) => g.trim())
        .filter(Boolean),
    )
    .superRefine((globs, ctx) => {
      const bad = globs.find((g) => !ALLOWLIST_GLOB.test(g));
      if (bad !== undefined) ctx.addIssue({ code: "custom", message: `"${bad}" is not an owner/name glob` });
    })
    .default([]),
  ZAKENAK_MAX_BODY_BYTES: wholeNumber(1024, 1024 * 1024 * 1024).default(DEFAULT_MAX_BODY_BYTES),
  ZAKENAK_INTAKE_MAX_INFLIGHT: wholeNumber(1, 100_000).default(64),
  ZAKENAK_QUEUE_MAX_WAITING: wholeNumber(1, 100_000_000).default(10_000),
  KUBECONFIG: z.string().optional(),
  ZAKENAK_SERVER_CONFIG: z.string().optional(),
  ZAKENAK_DASHBOARD_TOKEN: z.string().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  ZAKENAK_WORKER_CONCURRENCY: wholeNumber(1, 1000).default(4),
  ZAKENAK_APPLY_WAIT: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(["true", "false", "1", "0"], { error: "must be true or false" }))
    .transform((v) => v === "true" || v === "1")
    .default(true),
  ZAKENAK_LOCK_WAIT_SECONDS: wholeNumber(0, 24 * 60 * 60).default(10 * 60),
  ZAKENAK_SHUTDOWN_SECONDS: wholeNumber(1, 24 * 60 * 60).default(25),
  ZAKENAK_STALL_SECONDS: wholeNumber(1, 60 * 60).default(30),
});

/**
 * Reads the process configuration once, at start. A missing or bad value throws
 * `ZakenakError("config-invalid")` whose one-line message names the variable; messages never echo
 * a secret's value. Empty variables count as unset.
 */
export function loadEnvConfig(env: RawEnv = process.env): EnvConfig {
  const set: RawEnv = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(set);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw envInvalid(String(issue?.path[0] ?? "environment"), issue?.message ?? "invalid");
  }
  const v = parsed.data;
  const hosts: Partial<Record<HostKind, unknown>> = {};
  for (const host of HOSTS) {
    const settings = host.readEnv(set);
    if (settings !== undefined) hosts[host.kind] = settings;
  }
  return {
    port: v.PORT,
    redis: readRedisEnv(set),
    repoAllowlist: v.ZAKENAK_REPO_ALLOWLIST,
    maxBodyBytes: v.ZAKENAK_MAX_BODY_BYTES,
    intake: { maxInflight: v.ZAKENAK_INTAKE_MAX_INFLIGHT, maxWaiting: v.ZAKENAK_QUEUE_MAX_WAITING },
    logLevel: v.LOG_LEVEL,
    workers: {
      concurrency: v.ZAKENAK_WORKER_CONCURRENCY,
      applyWait: v.ZAKENAK_APPLY_WAIT,
      lockWaitMs: v.ZAKENAK_LOCK_WAIT_SECONDS * 1000,
      shutdownSeconds: v.ZAKENAK_SHUTDOWN_SECONDS,
      stallSeconds: v.ZAKENAK_STALL_SECONDS,
    },
    ...(v.KUBECONFIG !== undefined ? { kubeconfig: v.KUBECONFIG } : {}),
    ...(v.ZAKENAK_SERVER_CONFIG !== undefined ? { serverConfig: v.ZAKENAK_SERVER_CONFIG } : {}),
    ...(v.ZAKENAK_DASHBOARD_TOKEN !== undefined ? { dashboardToken: v.ZAKENAK_DASHBOARD_TOKEN } : {}),
    // Each entry was read by the descriptor of its kind, so it has that host's settings type.
    hosts: hosts as HostSettings,
  };
}

/** The hosts whose webhooks this configuration accepts, for the start-up log line. */
export function enabledHosts(config: EnvConfig): HostKind[] {
  const hosts: Partial<Record<HostKind, unknown>> = config.hosts;
  return HOSTS.filter((h) => hosts[h.kind] !== undefined).map((h) => h.kind);
}
