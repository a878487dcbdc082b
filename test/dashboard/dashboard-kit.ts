import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { applyEnvironment } from "../../src/applying/apply-environment.js";
import { redisAuditLog } from "../../src/audit/audit-log.js";
import { loadEnvConfig } from "../../src/config/env-config.js";
import { createDashboard } from "../../src/dashboard/create-dashboard.js";
import { writeDriftState } from "../../src/drift/drift-state.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import type { KubeObject } from "../../src/model/kube-object.js";
import { DELIVERY_QUEUE } from "../../src/queue/delivery-queue.js";
import { QUEUE_PREFIX } from "../../src/queue/redis-topology.js";
import { createApp } from "../../src/server/create-app.js";
import { createLogger } from "../../src/server/create-logger.js";
import { createMetrics } from "../../src/server/metrics.js";
import { type RunningServer, startServer } from "../../src/server/start-server.js";
import {
  applyOptions,
  configMapObject,
  namespaceObject,
  secretObject,
  sharedKubeconfig,
  waitFor,
} from "../support/cluster-kit.js";

export const REPOSITORY = "acme/shop";
export const SHA_1 = "1111111111111111111111111111111111111111";
export const SHA_2 = "2222222222222222222222222222222222222222";
export const FAILED_REASON = "cluster api unreachable: connect ECONNREFUSED 10.0.0.1:6443";

/** Objects of one revision: a ConfigMap that changes, and a Secret whose value must never be shown. */
export function revisionObjects(ns: string, color: string, secret: string): KubeObject[] {
  return [
    namespaceObject(ns),
    configMapObject(ns, "web", { color }),
    secretObject(ns, "db", { password: secret }),
  ];
}

/** Two applies through Zakenak's own apply, so the cluster holds revisions 1 and 2 of `environment`. */
export async function deployTwice(
  client: ConnectedKubeClient,
  environment: string,
  ns: string,
  secrets: [string, string],
): Promise<void> {
  const first = await applyEnvironment(
    applyOptions(client, environment, revisionObjects(ns, "blue", secrets[0]), {
      sha: SHA_1,
      actor: "alice",
    }),
  );
  const second = await applyEnvironment(
    applyOptions(client, environment, revisionObjects(ns, "green", secrets[1]), {
      sha: SHA_2,
      actor: "bob",
    }),
  );
  if (first.result !== "succeeded" || second.result !== "succeeded")
    throw new Error(`deploys did not succeed: ${first.message}; ${second.message}`);
}

/** The delivery queue with a job that failed (a worker threw) and one still waiting. */
export async function fillQueue(redisUrl: string, environment: string): Promise<void> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(DELIVERY_QUEUE, { connection, prefix: QUEUE_PREFIX });
  const worker = new Worker(
    DELIVERY_QUEUE,
    async () => {
      throw new Error(FAILED_REASON);
    },
    { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix: QUEUE_PREFIX },
  );
  try {
    await queue.add("apply", { repo: { fullName: REPOSITORY }, environment, sha: SHA_2 }, { attempts: 1 });
    await waitFor("the job to fail", async () => (await queue.getFailedCount()) === 1);
  } finally {
    await worker.close();
  }
  await queue.add("push", { repo: { fullName: REPOSITORY }, environment, sha: SHA_1 });
  await queue.close();
  await connection.quit();
}

export async function recordRun(redis: Redis, environment: string): Promise<void> {
  await writeDriftState(redis, {
    repository: REPOSITORY,
    environment,
    host: "gitea",
    status: "drifted",
    checkedAt: new Date().toISOString(),
    revision: 2,
    sha: SHA_2,
    objects: [{ kind: "ConfigMap", namespace: "x", name: "web", fields: ["data.color"] }],
    nextCheckAt: new Date(Date.now() + 60_000).toISOString(),
  });
  await redisAuditLog(redis).record({
    actor: "bob",
    action: "apply",
    repo: REPOSITORY,
    host: "gitea",
    environment,
    sha: SHA_2,
    result: "succeeded",
    detail: "revision 2",
    pullRequest: 7,
  });
}

export interface DashboardServer {
  url: string;
  logText(): string;
  close(): Promise<void>;
}

/** The server app with its dashboard, wired as `zakenak serve` wires it, on an ephemeral port. */
export async function startDashboardServer(
  redisUrl: string,
  extraEnv: Record<string, string>,
): Promise<DashboardServer> {
  const env = {
    PORT: "0",
    REDIS_URL: redisUrl,
    KUBECONFIG: sharedKubeconfig(),
    GITEA_URL: "https://git.example.test",
    GITEA_TOKEN: "gitea-api-token",
    GITEA_WEBHOOK_SECRET: "webhook-secret",
    ...extraEnv,
  };
  const config = loadEnvConfig(env);
  const lines: string[] = [];
  const logger = createLogger("debug", { write: (line: string) => lines.push(line) });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(DELIVERY_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
  const dashboard = createDashboard({ env, config, redis, queue, logger });
  const app = await createApp({
    config,
    queue,
    logger,
    metrics: createMetrics({}),
    readiness: async () => [],
    allowed: () => true,
    ...(dashboard ? { dashboard } : {}),
  });
  const server: RunningServer = await startServer(app, { port: 0, host: "127.0.0.1" });
  return {
    url: `http://127.0.0.1:${server.port}`,
    logText: () => lines.join(""),
    async close() {
      await server.close();
      await queue.close();
      await redis.quit();
    },
  };
}
