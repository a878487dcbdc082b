import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { connectRedis } from "../../src/server/connect-redis.js";
import { createMetrics } from "../../src/server/metrics.js";
import { queueProbe } from "../../src/server/queue-probe.js";
import { TEST_REDIS_URL } from "./intake-harness.js";
import { startRedisServer } from "./redis-server-process.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A queue of its own on the test Redis, and the connection intake would give it. */
async function freshQueue() {
  const connection = await connectRedis(TEST_REDIS_URL);
  const queue = new Queue(`probe-${randomUUID()}`, { connection, prefix: `zakenak-test-${randomUUID()}` });
  cleanup.push(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  });
  return { connection, queue, probe: queueProbe(queue, connection) };
}

describe("queueProbe", () => {
  it("counts the jobs not started yet and ages the oldest one ready to run", async () => {
    const { queue, probe } = await freshQueue();
    expect(await probe.depth()).toBe(0);
    expect(await probe.oldestWaitingAgeSeconds()).toBe(0);

    const now = Date.now();
    await queue.add("push", {}, { timestamp: now - 120_000 });
    await queue.add("push", {}, { timestamp: now - 10_000 });
    // Delayed (a retry's backoff): counted in the depth, but not waiting for a worker yet.
    await queue.add("push", {}, { timestamp: now - 3_600_000, delay: 3_600_000 });

    expect(await probe.depth()).toBe(3);
    const age = await probe.oldestWaitingAgeSeconds();
    expect(age).toBeGreaterThanOrEqual(120);
    expect(age).toBeLessThan(180);
  });

  it("counts the workers connected to the queue", async () => {
    const { queue, probe } = await freshQueue();
    expect(await probe.workers()).toBe(0);
    const worker = new Worker(queue.name, async () => {}, {
      connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }),
      prefix: queue.opts.prefix,
    });
    await worker.waitUntilReady();
    expect(await probe.workers()).toBe(1);
    await worker.close();
    await worker.disconnect();
    expect(await probe.workers()).toBe(0);
  });

  it("says whether Redis answers, and the gauges read NaN instead of stale values once it does not", async () => {
    const redis = await startRedisServer();
    cleanup.push(() => redis.kill());
    const connection = await connectRedis(redis.url);
    const queue = new Queue(`probe-${randomUUID()}`, { connection });
    cleanup.push(async () => {
      await queue.close().catch(() => {});
      connection.disconnect();
    });
    const metrics = createMetrics({ queue: queueProbe(queue, connection, { timeoutMs: 500 }) });
    await queue.add("push", {});
    const before = await metrics.registry.metrics();
    expect(before).toContain("zakenak_redis_up 1");
    expect(before).toContain("zakenak_queue_depth 1");

    await redis.kill();
    const after = await metrics.registry.metrics();
    expect(after).toContain("zakenak_redis_up 0");
    // prom-client spells it "Nan"; Prometheus reads any case.
    expect(after).toMatch(/^zakenak_queue_depth nan$/im);
    expect(after).toMatch(/^zakenak_queue_oldest_waiting_job_age_seconds nan$/im);
    expect(after).toMatch(/^zakenak_queue_workers nan$/im);
  });
});
