import { randomUUID } from "node:crypto";
import { once } from "node:events";
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
import { startRedisServer } from "./redis-server-process.js";

const SECRET = "outage-secret";

function pushDelivery() {
  return {
    method: "POST",
    body: readFileSync(new URL("../fixtures/gitlab/push.json", import.meta.url)),
    headers: {
      "content-type": "application/json",
      "x-gitlab-event": "Push Hook",
      "x-gitlab-token": SECRET,
      "x-gitlab-event-uuid": randomUUID(),
    },
  };
}

describe("intake when Redis goes away", () => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it("answers 503 at once instead of hanging, and /readyz says why", async () => {
    const redis = await startRedisServer();
    cleanup.push(() => redis.kill());
    const config = loadEnvConfig({
      REDIS_URL: redis.url,
      GITLAB_URL: "https://gitlab.example.com",
      GITLAB_TOKEN: "glpat-outage",
      GITLAB_WEBHOOK_SECRET: SECRET,
    });
    // The connection serve uses: connected once, no offline queue.
    const connection = await connectRedis(config.redis);
    connection.on("error", () => {});
    cleanup.push(() => connection.disconnect());
    const queue = new Queue(`outage-${randomUUID()}`, { connection });
    cleanup.push(() => queue.close());
    const probe = readinessProbe({ redis: connection, timeoutMs: 1000 });
    cleanup.push(() => probe.close());
    const logger = createLogger("silent");
    const app = await createApp({
      config,
      queue,
      logger,
      metrics: createMetrics(),
      readiness: probe.check,
      allowed: () => true,
    });
    const server = await startServer(app, { port: 0, host: "127.0.0.1" });
    cleanup.push(() => server.close());
    const url = `http://127.0.0.1:${server.port}`;

    expect((await fetch(`${url}/api/gitlab/webhooks`, pushDelivery())).status).toBe(202);

    const closed = once(connection, "close");
    await redis.kill();
    await closed;
    const started = Date.now();
    const res = await fetch(`${url}/api/gitlab/webhooks`, pushDelivery());
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: "queue unavailable, deliver again later" });
    // GitHub gives up after 10 s; the answer must come well before that.
    expect(Date.now() - started).toBeLessThan(2000);

    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { failed: { check: string; error: string }[] };
    expect(body.failed.map((f) => f.check)).toEqual(["redis"]);
    expect(body.failed[0]?.error).toMatch(/not connected/);
  });
});
