import { parseArgs } from "node:util";
import type { DestinationStream } from "pino";
import { enabledHosts, loadEnvConfig } from "../config/env-config.js";
import { inputLimits } from "../config/input-limits.js";
import { createDashboard } from "../dashboard/create-dashboard.js";
import { ZakenakError } from "../errors.js";
import { noHostConfigured } from "../hosts/no-host-configured.js";
import { notificationSettings } from "../notifications/notification-settings.js";
import { closeRenderService } from "../planning/render/helm-renderer.js";
import { pollTargets } from "../polling/poll-targets.js";
import { createApp } from "../server/create-app.js";
import { createLogger } from "../server/create-logger.js";
import { type RunningServer, startServer } from "../server/start-server.js";
import { hostsFromConfig } from "../workers/hosts-from-config.js";
import { type RunningWorkers, startWorkers } from "../workers/start-workers.js";
import { workerMetrics } from "../workers/worker-metrics.js";
import { botChartSettings } from "./chart-settings.js";
import type { CliIo } from "./cli-io.js";
import { botImageLookups } from "./image-lookups.js";
import { loadTrust } from "./load-trust.js";
import { openProcessState } from "./process-state.js";
import { armShutdownDeadline } from "./shutdown-deadline.js";

const SHUTDOWN_SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * `zakenak serve`: webhook intake and the queue workers in one process, configured from the
 * environment. Runs until SIGTERM/SIGINT, then stops accepting requests, lets those in flight and
 * the active jobs finish, closes the Redis connections and returns 0.
 */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { debug: { type: "boolean" }, "server-config": { type: "string" } },
    strict: true,
    allowPositionals: false,
  });
  const config = loadEnvConfig(io.env);
  const limits = inputLimits(io.env);
  const hosts = enabledHosts(config);
  if (hosts.length === 0) throw noHostConfigured();
  const trust = await loadTrust(config.repoAllowlist, values["server-config"] ?? config.serverConfig);
  const polls = pollTargets(trust.server, hosts);
  const images = await botImageLookups(io.env, trust.server);
  const charts = await botChartSettings(io.env, trust.server);
  const notifications = trust.server
    ? await notificationSettings(trust.server.notifications, io.env)
    : undefined;
  // JSON lines on the command's stdout: a container runtime collects them from there.
  const logger = createLogger(config.logLevel, io.stdout as DestinationStream);
  const state = await openProcessState(config, logger);
  const { connection, queue, metrics, probe } = state;
  const deadline = armShutdownDeadline(config.workers.shutdownSeconds, logger);
  let server: RunningServer | undefined;
  let workers: RunningWorkers | undefined;
  try {
    const app = await createApp({
      config,
      queue,
      logger,
      metrics,
      readiness: probe.check,
      allowed: trust.allowed,
      dashboard: createDashboard({ env: io.env, config, redis: connection, queue, logger }),
    });
    server = await listen(app, config.port);
    logger.info({ port: server.port, hosts }, "zakenak serve listening");
    workers = await startWorkers({
      // The workers open their own connections: BullMQ's blocking reads need settings intake's lacks.
      connection: config.redis,
      hostFor: hostsFromConfig(config),
      logger,
      metrics: workerMetrics(metrics),
      concurrency: config.workers.concurrency,
      lockDuration: config.workers.stallSeconds * 1000,
      stalledInterval: config.workers.stallSeconds * 1000,
      kube: {
        ...(config.kubeconfig !== undefined ? { kubeconfig: config.kubeconfig } : {}),
        applyWait: config.workers.applyWait,
        lockWaitMs: config.workers.lockWaitMs,
      },
      limits,
      ...(images ? { images } : {}),
      charts,
      // Shutdown order is decided here: intake stops first, then the workers finish their jobs.
      signals: [],
      ...(trust.server ? { server: trust.server } : {}),
      ...(notifications ? { notifications } : {}),
      polls,
    });
    const signal = await nextSignal();
    logger.info({ signal }, "shutting down");
    return 0;
  } finally {
    await server?.close();
    await workers?.close();
    // The render service the jobs shared lives until no job can render any more.
    await closeRenderService();
    await state.close();
    deadline.dispose();
  }
}

async function listen(app: Parameters<typeof startServer>[0], port: number): Promise<RunningServer> {
  try {
    return await startServer(app, { port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ZakenakError("config-invalid", `PORT: cannot listen on ${port}: ${code}`, { cause: error });
  }
}

function nextSignal(): Promise<string> {
  return new Promise((resolve) => {
    const handlers = SHUTDOWN_SIGNALS.map((signal) => {
      const handler = () => {
        for (const [s, h] of handlers) process.off(s, h);
        resolve(signal);
      };
      process.on(signal, handler);
      return [signal, handler] as const;
    });
  });
}
