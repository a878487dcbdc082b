import { parseArgs } from "node:util";
import type { DestinationStream } from "pino";
import { enabledHosts, loadEnvConfig } from "../config/env-config.js";
import { inputLimits } from "../config/input-limits.js";
import { loadServerConfig } from "../config/load-server-config.js";
import { ZakenakError } from "../errors.js";
import { noHostConfigured } from "../hosts/no-host-configured.js";
import { connectRedis } from "../server/connect-redis.js";
import { createLogger } from "../server/create-logger.js";
import { hostsFromConfig } from "../workers/hosts-from-config.js";
import { DEFAULT_LOCK_WAIT_MS, startWorkers } from "../workers/start-workers.js";
import type { CliIo } from "./cli-io.js";

/**
 * `zakenak worker`: only the queue workers (no webhook intake), configured from the environment like
 * `serve`, plus ZAKENAK_WORKER_CONCURRENCY, ZAKENAK_APPLY_WAIT (false for clusters without
 * controllers) and ZAKENAK_LOCK_WAIT_SECONDS. Runs until SIGTERM/SIGINT, finishes the active jobs, returns 0.
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
  const concurrency = wholeNumber(io.env, "ZAKENAK_WORKER_CONCURRENCY", 4, 1);
  const lockWaitSeconds = wholeNumber(io.env, "ZAKENAK_LOCK_WAIT_SECONDS", DEFAULT_LOCK_WAIT_MS / 1000, 0);
  const applyWait = boolean(io.env, "ZAKENAK_APPLY_WAIT", true);
  const limits = inputLimits(io.env);
  if (enabledHosts(config).length === 0) throw noHostConfigured();
  const logger = createLogger(config.logLevel, io.stdout as DestinationStream);
  // Fails fast with one line when Redis is not there at start; BullMQ reconnects by itself later.
  (await connectRedis(config.redisUrl)).disconnect();
  const workers = await startWorkers({
    connection: config.redisUrl,
    hostFor: hostsFromConfig(config),
    logger,
    concurrency,
    kube: {
      ...(config.kubeconfig !== undefined ? { kubeconfig: config.kubeconfig } : {}),
      applyWait,
      lockWaitMs: lockWaitSeconds * 1000,
    },
    limits,
    signals: ["SIGTERM", "SIGINT"],
    ...(server ? { server } : {}),
  });
  await workers.closed;
  return 0;
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
