import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { loadEnvConfig } from "../../src/config/env-config.js";
import { connectRedis } from "../../src/server/connect-redis.js";
import { createApp } from "../../src/server/create-app.js";
import { createLogger } from "../../src/server/create-logger.js";
import { createMetrics } from "../../src/server/metrics.js";
import { readinessProbe } from "../../src/server/readiness.js";
import { startServer } from "../../src/server/start-server.js";
import { waitFor } from "../support/cluster-kit.js";
import { startRedisServer } from "./redis-server-process.js";

const SECRET = "mid-request-secret";

describe("intake when Redis dies with a delivery's command in flight", () => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it("answers that delivery 503 at once instead of holding it until Redis is back", async () => {
    const redis = await startRedisServer();
    cleanup.push(() => redis.kill());
    const config = loadEnvConfig({
      REDIS_URL: redis.url,
      GITLAB_URL: "https://gitlab.example.com",
      GITLAB_TOKEN: "glpat-mid-request",
      GITLAB_WEBHOOK_SECRET: SECRET,
    });
    const connection = await connectRedis(config.redis);
    connection.on("error", () => {});
    cleanup.push(() => connection.disconnect());
    const queue = new Queue(`mid-request-${randomUUID()}`, { connection });
    queue.on("error", () => {});
    cleanup.push(() => queue.close());
    const probe = readinessProbe({ redis: connection, timeoutMs: 1000 });
    cleanup.push(() => probe.close());
    const app = await createApp({
      config,
      queue,
      logger: createLogger("silent"),
      metrics: createMetrics(),
      readiness: probe.check,
      allowed: () => true,
    });
    const server = await startServer(app, { port: 0, host: "127.0.0.1" });
    cleanup.push(() => server.close());

    // A stopped Redis takes the delivery's command and never answers it; then it dies.
    const info = await connection.info("server");
    const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
    process.kill(pid, "SIGSTOP");
    const answer = fetch(`http://127.0.0.1:${server.port}/api/gitlab/webhooks`, {
      method: "POST",
      body: readFileSync(new URL("../fixtures/gitlab/push.json", import.meta.url)),
      headers: {
        "content-type": "application/json",
        "x-gitlab-event": "Push Hook",
        "x-gitlab-token": SECRET,
        "x-gitlab-event-uuid": randomUUID(),
      },
    });
    const pending = connection as unknown as { commandQueue: { length: number } };
    await waitFor("the delivery's command to be sent", () => pending.commandQueue.length > 0, {
      timeoutMs: 10_000,
    });
    await redis.kill();
    const died = Date.now();

    const res = await answer;
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: "queue unavailable, deliver again later" });
    // Before, the command waited for the connection to come back (ioredis resends it), and so did the host.
    expect(Date.now() - died).toBeLessThan(2_000);
  });
});
