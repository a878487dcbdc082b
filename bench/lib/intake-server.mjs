// Child process of the `intake` benchmark: one HTTP server on 127.0.0.1 (ephemeral port), started with
// `fork()` so it reports its port over IPC. Its own process, so the load generator never shares its event
// loop.
//
//   node bench/lib/intake-server.mjs zakenak   the real intake: createApp() from dist/ with a GitHub App
//                                               config (X-Hub-Signature-256 checked on the raw body, the push is
//                                               normalized and enqueued into BullMQ on REDIS_URL), wired
//                                               as `zakenak serve` wires it (same queue, metrics, logger
//                                               on stdout at LOG_LEVEL, default info)
//   node bench/lib/intake-server.mjs bare      a bare Express app: express.raw() reads the body, the
//                                               handler answers 202 with a small JSON body
//
// Environment: REDIS_URL and WEBHOOK_SECRET (zakenak only). Sends `{ port }` to the parent once listening;
// on SIGTERM closes the server (and the Redis connections) and exits 0.
import { generateKeyPairSync } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dist = (p) => import(join(ROOT, "dist", p));

const mode = process.argv[2];
if (mode !== "zakenak" && mode !== "bare") {
  console.error(`usage: intake-server.mjs zakenak|bare (got ${mode})`);
  process.exit(2);
}

const { default: express } = await import("express");
const { startServer } = await dist("server/start-server.js");
let closeExtra = async () => {};
let app;

if (mode === "bare") {
  app = express();
  app.disable("x-powered-by");
  // Reads the body like intake does (raw bytes, same limit), then answers at once.
  app.post(
    "/api/github/webhooks",
    express.raw({ type: () => true, limit: 25 * 1024 * 1024, inflate: false }),
    (_req, res) => {
      res.status(202).json({ result: "accepted" });
    },
  );
} else {
  const { loadEnvConfig } = await dist("config/env-config.js");
  const { createApp } = await dist("server/create-app.js");
  const { createLogger } = await dist("server/create-logger.js");
  const { createMetrics } = await dist("server/metrics.js");
  const { queueProbe } = await dist("server/queue-probe.js");
  const { readinessProbe } = await dist("server/readiness.js");
  const { connectRedis } = await dist("server/connect-redis.js");
  const { DELIVERY_QUEUE } = await dist("queue/delivery-queue.js");
  const { QUEUE_PREFIX } = await dist("queue/redis-topology.js");
  const { Queue } = await import("bullmq");
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const config = loadEnvConfig({
    PORT: "0",
    REDIS_URL: process.env.REDIS_URL,
    APP_ID: "424242",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: process.env.WEBHOOK_SECRET,
    LOG_LEVEL: process.env.LOG_LEVEL || "info",
    // No worker drains the queue here, so it holds every delivery of the run: the waiting-jobs limit
    // (still checked on every request) is raised above what a run sends instead of shedding with 429.
    ZAKENAK_QUEUE_MAX_WAITING: "100000000",
  });
  // As serve-command.ts builds it: JSON log lines on stdout (the parent points stdout at /dev/null).
  const logger = createLogger(config.logLevel, process.stdout);
  const connection = await connectRedis(config.redis);
  const queue = new Queue(DELIVERY_QUEUE, { connection, prefix: QUEUE_PREFIX });
  const metrics = createMetrics({ queue: queueProbe(queue, connection), processMetrics: true });
  const probe = readinessProbe({ redis: connection });
  app = await createApp({ config, queue, logger, metrics, readiness: probe.check, allowed: () => true });
  closeExtra = async () => {
    await queue.close();
    probe.close();
    await connection.quit().catch(() => connection.disconnect());
  };
}

const server = await startServer(app, { port: 0, host: "127.0.0.1" });
process.send?.({ port: server.port });
process.once("SIGTERM", async () => {
  await server.close(2_000);
  await closeExtra();
  process.exit(0);
});
