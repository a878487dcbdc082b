// A worker process for the tests that kill or stop one: `startWorkers` with the real Gitea adapter,
// configured from ZAKENAK_TEST_WORKER (JSON) and the bot's token from ZAKENAK_TEST_GITEA_TOKEN. Logs JSON
// lines on stdout. Run with `--experimental-transform-types --import ./test/workers/ts-hooks.mjs`.
import { createGiteaHost } from "../../src/hosts/gitea/gitea-host.js";
import { startWorkers } from "../../src/workers/start-workers.js";

interface WorkerProcessConfig {
  redisPort: number;
  giteaUrl: string;
  queueName: string;
  prefix: string;
  keyPrefix: string;
  auditKey: string;
  cacheDir: string;
  kubeconfig: string;
  applyWait: boolean;
  concurrency: number;
  lockDuration: number;
  stalledInterval: number;
}

const config = JSON.parse(process.env.ZAKENAK_TEST_WORKER ?? "{}") as WorkerProcessConfig;
const token = process.env.ZAKENAK_TEST_GITEA_TOKEN ?? "";
const log =
  (level: string) =>
  (obj: object, msg = "") =>
    process.stdout.write(`${JSON.stringify({ ...obj, level, msg, pid: process.pid })}\n`);
const logger = { info: log("info"), warn: log("warn"), error: log("error") };

const workers = await startWorkers({
  connection: { host: "127.0.0.1", port: config.redisPort },
  hostFor: () => createGiteaHost({ url: config.giteaUrl, token }),
  logger,
  queueName: config.queueName,
  prefix: config.prefix,
  keyPrefix: config.keyPrefix,
  auditKey: config.auditKey,
  cacheDir: config.cacheDir,
  concurrency: config.concurrency,
  kube: { kubeconfig: config.kubeconfig, applyWait: config.applyWait, lockWaitMs: 120_000 },
  lockDuration: config.lockDuration,
  stalledInterval: config.stalledInterval,
  signals: ["SIGTERM"],
});
await workers.closed;
logger.info({}, "exiting");
