import { Queue } from "bullmq";
import type { Logger } from "pino";
import type { EnvConfig } from "../config/env-config.js";
import { listDriftStates } from "../drift/drift-state.js";
import { DELIVERY_QUEUE } from "../queue/delivery-queue.js";
import { QUEUE_PREFIX, type RedisClient } from "../queue/redis-topology.js";
import { connectRedis } from "../server/connect-redis.js";
import { createMetrics, type Metrics } from "../server/metrics.js";
import { queueProbe } from "../server/queue-probe.js";
import { type ReadinessProbe, readinessProbe } from "../server/readiness.js";

/** What `serve` and `worker` both keep open beside their workers: Redis, the queue, metrics, readiness. */
export interface ProcessState {
  connection: RedisClient;
  queue: Queue;
  metrics: Metrics;
  probe: ReadinessProbe;
  /** Closes the queue handle, the probe and the connection, once nothing uses them any more. */
  close(): Promise<void>;
}

/**
 * Connects to Redis, failing fast with one line when it is not there at start (later blips reconnect by
 * themselves), and builds on it the queue handle, the metrics a scrape reads and the readiness probe.
 */
export async function openProcessState(config: EnvConfig, logger: Logger): Promise<ProcessState> {
  const connection = await connectRedis(config.redis);
  connection.on("error", (error) => logger.warn({ cause: error.message }, "redis connection error"));
  const queue = new Queue(DELIVERY_QUEUE, { connection, prefix: QUEUE_PREFIX });
  const metrics = createMetrics({
    queue: queueProbe(queue, connection),
    processMetrics: true,
    drift: () => listDriftStates(connection),
  });
  const probe = readinessProbe({
    redis: connection,
    ...(config.kubeconfig !== undefined ? { kubeconfig: config.kubeconfig } : {}),
  });
  const close = async () => {
    await queue.close();
    probe.close();
    await connection.quit().catch(() => connection.disconnect());
  };
  return { connection, queue, metrics, probe, close };
}
