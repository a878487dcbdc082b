import { randomUUID } from "node:crypto";
import { type Job, Queue } from "bullmq";
import { Redis } from "ioredis";
import { type EnvConfig, loadEnvConfig } from "../../src/config/env-config.js";
import { repoAllowlist } from "../../src/config/repo-allowlist.js";
import { createApp } from "../../src/server/create-app.js";
import { createLogger } from "../../src/server/create-logger.js";
import { createMetrics, type Metrics } from "../../src/server/metrics.js";
import { queueProbe } from "../../src/server/queue-probe.js";
import { type Readiness, readinessProbe } from "../../src/server/readiness.js";
import { startServer } from "../../src/server/start-server.js";

/** The Redis `scripts/start-redis.sh` starts for the tests. */
export const TEST_REDIS_URL = `redis://127.0.0.1:${process.env.ZAKENAK_TEST_REDIS_PORT ?? 6379}`;

export interface Intake {
  url: string;
  config: EnvConfig;
  queue: Queue;
  metrics: Metrics;
  /** Every log line written so far, as raw JSON text. */
  logText(): string;
  logLines(): Record<string, unknown>[];
  jobs(): Promise<Job[]>;
  post(path: string, body: string | Uint8Array, headers: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/**
 * The real Express app on an ephemeral port, with a real Redis queue of its own (fresh name and key
 * prefix per call, so tests never see each other's jobs).
 */
export async function startIntake(
  env: Record<string, string>,
  opts: { readiness?: (connection: Redis) => Readiness } = {},
): Promise<Intake> {
  const config = loadEnvConfig({ PORT: "0", REDIS_URL: TEST_REDIS_URL, ...env });
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(`intake-${randomUUID()}`, { connection, prefix: `zakenak-test-${randomUUID()}` });
  const lines: string[] = [];
  const logger = createLogger("debug", { write: (line: string) => lines.push(line) });
  const metrics = createMetrics({ queue: queueProbe(queue, connection) });
  const probe = readinessProbe({ redis: connection });
  const readiness = opts.readiness?.(connection) ?? probe.check;
  const app = await createApp({
    config,
    queue,
    logger,
    metrics,
    readiness,
    allowed: repoAllowlist(config.repoAllowlist),
  });
  const server = await startServer(app, { port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    config,
    queue,
    metrics,
    logText: () => lines.join(""),
    logLines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    jobs: () => queue.getJobs(["waiting", "prioritized", "delayed", "active", "completed", "failed"]),
    async post(path, body, headers) {
      const res = await fetch(`${url}${path}`, { method: "POST", body, headers });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async close() {
      await server.close();
      probe.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await connection.quit();
    },
  };
}
