import { parseArgs } from "node:util";
import type { DestinationStream } from "pino";
import { enabledHosts, loadEnvConfig } from "../config/env-config.js";
import { inputLimits } from "../config/input-limits.js";
import { loadServerConfig } from "../config/load-server-config.js";
import { ZakenakError } from "../errors.js";
import { noHostConfigured } from "../hosts/no-host-configured.js";
import { notificationSettings } from "../notifications/notification-settings.js";
import { closeRenderService } from "../planning/render/helm-renderer.js";
import { pollTargets } from "../polling/poll-targets.js";
import { createLogger } from "../server/create-logger.js";
import type { Metrics } from "../server/metrics.js";
import type { Readiness } from "../server/readiness.js";
import type { RunningServer } from "../server/start-server.js";
import { hostsFromConfig } from "../workers/hosts-from-config.js";
import { startMetricsListener } from "../workers/start-metrics-listener.js";
import { DEFAULT_LOCK_WAIT_MS, type RunningWorkers, startWorkers } from "../workers/start-workers.js";
import { workerMetrics } from "../workers/worker-metrics.js";
import { botChartSettings } from "./chart-settings.js";
import type { CliIo } from "./cli-io.js";
import { botImageLookups } from "./image-lookups.js";
import { openProcessState } from "./process-state.js";
import { armShutdownDeadline } from "./shutdown-deadline.js";

/** Port of the worker's `/metrics`, `/healthz` and `/readyz`: not serve's 3000, so both run on one host. */
const DEFAULT_WORKER_METRICS_PORT = 9464;

/**
 * `zakenak worker`: only the queue workers (no webhook intake), configured from the environment like
 * `serve`, plus ZAKENAK_WORKER_CONCURRENCY, ZAKENAK_APPLY_WAIT (false for clusters without
 * controllers), ZAKENAK_LOCK_WAIT_SECONDS and ZAKENAK_METRICS_PORT (its `/metrics`, `/healthz` and
 * `/readyz`). Runs until SIGTERM/SIGINT, finishes the active jobs, returns 0.
 */
export async function workerCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { debug: { type: "boolean" }, "server-config": { type: "string" } },
    strict: true,
    allowPositionals: false,
  });
  const config = loadEnvConfig(io.env);
  const file = values["server-config"] ?? config.serverConfig;
  const server = file !== undefined ? await loadServerConfig(file) : undefined;
  const notifications = server ? await notificationSettings(server.notifications, io.env) : undefined;
  const concurrency = wholeNumber(io.env, "ZAKENAK_WORKER_CONCURRENCY", 4, 1);
  const lockWaitSeconds = wholeNumber(io.env, "ZAKENAK_LOCK_WAIT_SECONDS", DEFAULT_LOCK_WAIT_MS / 1000, 0);
  const applyWait = boolean(io.env, "ZAKENAK_APPLY_WAIT", true);
  const metricsPort = wholeNumber(io.env, "ZAKENAK_METRICS_PORT", DEFAULT_WORKER_METRICS_PORT, 0);
  if (metricsPort > 65535) throw new ZakenakError("config-invalid", "ZAKENAK_METRICS_PORT: must be ≤ 65535");
  const limits = inputLimits(io.env);
  if (enabledHosts(config).length === 0) throw noHostConfigured();
  const polls = pollTargets(server, enabledHosts(config));
  const images = await botImageLookups(io.env, server);
  const charts = await botChartSettings(io.env, server);
  const logger = createLogger(config.logLevel, io.stdout as DestinationStream);
  // Fails fast with one line when Redis is not there at start; BullMQ reconnects by itself later. Kept
  // open for what a scrape or a probe reads: the queue's state and whether Redis answers.
  const state = await openProcessState(config, logger);
  const { metrics, probe } = state;
  const deadline = armShutdownDeadline(config.workers.shutdownSeconds, logger);
  let listener: RunningServer | undefined;
  let workers: RunningWorkers | undefined;
  try {
    listener = await listen(metrics, probe.check, metricsPort);
    logger.info({ port: listener.port }, "zakenak worker metrics listening");
    workers = await startWorkers({
      connection: config.redis,
      hostFor: hostsFromConfig(config),
      logger,
      metrics: workerMetrics(metrics),
      concurrency,
      lockDuration: config.workers.stallSeconds * 1000,
      stalledInterval: config.workers.stallSeconds * 1000,
      kube: {
        ...(config.kubeconfig !== undefined ? { kubeconfig: config.kubeconfig } : {}),
        applyWait,
        lockWaitMs: lockWaitSeconds * 1000,
      },
      limits,
      ...(images ? { images } : {}),
      charts,
      signals: ["SIGTERM", "SIGINT"],
      ...(server ? { server } : {}),
      ...(notifications ? { notifications } : {}),
      polls,
    });
    await workers.closed;
    return 0;
  } finally {
    // Scrapes go on while the active jobs finish; the listener closes after the workers.
    await workers?.close();
    // The render service the jobs shared lives until no job can render any more.
    await closeRenderService();
    await listener?.close();
    await state.close();
    deadline.dispose();
  }
}

async function listen(metrics: Metrics, readiness: Readiness, port: number): Promise<RunningServer> {
  try {
    return await startMetricsListener({ metrics, readiness }, port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ZakenakError("config-invalid", `ZAKENAK_METRICS_PORT: cannot listen on ${port}: ${code}`, {
      cause: error,
    });
  }
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new ZakenakError("config-invalid", `${name}: must be a whole number ≥ ${min}`);
  }
  return Number(raw);
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new ZakenakError("config-invalid", `${name}: must be true or false`);
}
