// A burst of deliveries to real `zakenak serve` processes during which Redis fails and comes back, on any
// Redis topology: the topology is a parameter (what the processes are told, a fault and a recovery), so
// the same burst runs on one server restarted, on a Sentinel failover and on a Redis Cluster.
import type { Cluster, Redis } from "ioredis";
import { expect } from "vitest";
import { DELIVERY_QUEUE } from "../../src/queue/delivery-queue.js";
import { QUEUE_PREFIX } from "../../src/queue/redis-topology.js";
import { waitFor } from "../support/cluster-kit.js";
import { chaosSize, printFigure, startFleet } from "./chaos-kit.js";
import {
  checkProcessed,
  closedMergedDelivery,
  type FloodResult,
  flood,
  githubAppEnv,
  handlerRuns,
  quantile,
  waitForDrained,
} from "./webhook-flood.js";

/** A Redis deployment a fault is injected into. */
export interface RedisFaultTopology {
  /** Names the topology in the figure line. */
  name: string;
  /** A redis:// URL the fault suite's harness can reach (its REDIS_URL default and its own queue). */
  redisUrl: string;
  /** Environment every zakenak process gets on top of the harness's, e.g. REDIS_URL or Sentinel's. */
  env: Record<string, string>;
  /** A client of the test's own for its checks (a Cluster client on a Redis Cluster). */
  client(): Redis | Cluster;
  /** Takes Redis away (kills the server, the master, …); resolves once it is gone. */
  fault(): Promise<void>;
  /** Brings it back (restart, failover done); resolves once it answers again. */
  recover(): Promise<void>;
  /** Stops everything the topology started. */
  stop(): Promise<void>;
}

export interface RedisFaultFigure {
  accepted: number;
  refusedDuringOutage: number;
  lost: number;
  /** Handler runs beyond one per queued delivery. */
  processedTwice: number;
  /** Jobs a worker started more than once: a fetch whose answer the fault cut off, taken again once stalled. */
  startedTwice: number;
  p99RefusalMs: number;
  outageSeconds: number;
  intakeResumeSeconds: number;
  processingResumeSeconds: number;
  seconds: number;
}

/** The completed-jobs count of the delivery queue, read straight from its sorted set. */
async function completedCount(redis: Redis | Cluster): Promise<number> {
  return redis.zcard(`${QUEUE_PREFIX}:${DELIVERY_QUEUE}:completed`);
}

/** How many "queue unavailable" answers a process has logged: deliveries refused while Redis was away. */
function refusalsLogged(lines: { msg: string; status?: unknown }[]): number {
  return lines.filter((l) => l.status === 503 && l.msg === "queue unavailable, deliver again later").length;
}

/**
 * Runs the burst on `topology` and checks what must hold whatever the topology: every delivery answered
 * (202, or 503 while Redis is away, each within a host's timeout), no delivery answered 202 lost and each
 * processed once, processing back by itself after the recovery (no process restarted), no process
 * crashed. Prints the `scenario` figure line and returns its fields.
 */
export async function runRedisFaultBurst(
  scenario: string,
  topology: RedisFaultTopology,
): Promise<RedisFaultFigure> {
  const started = Date.now();
  const app = githubAppEnv();
  const serves = chaosSize(2, 3);
  const fleet = await startFleet({ serves, redis: topology.redisUrl, env: { ...app.env, ...topology.env } });
  // The harness's own queue client sees the outage too; its reconnection errors are expected.
  fleet.queue.on("error", () => {});
  const redis = topology.client();
  try {
    const delivery = closedMergedDelivery(app.secret);
    const rate = chaosSize(100, 200);
    const durationMs = chaosSize(12_000, 30_000);
    const bursts = fleet.serveUrls.map((url) =>
      flood(url, delivery, { rate, durationMs, connections: 64, timeoutMs: 10_000, timeline: true }),
    );
    const settled = Promise.all(bursts);
    settled.catch(() => {});

    // Fault once the workers are busy, recover once every serve has refused deliveries for a while.
    await waitFor(
      "deliveries to be processed before the fault",
      async () => (await completedCount(redis)) >= 50,
      {
        timeoutMs: 60_000,
        intervalMs: 50,
      },
    );
    const faultAt = Date.now();
    await topology.fault();
    const serveProcs = fleet.processes.filter((p) => p.kind === "serve");
    // About a second and a half of the burst's rate refused by each serve: an outage long enough that
    // every client has seen the connection drop and tried to reconnect.
    const refusalsWanted = Math.round(rate * 1.5);
    await waitFor(
      "every serve to refuse deliveries while Redis is away",
      () => serveProcs.every((p) => refusalsLogged(p.logs()) >= refusalsWanted),
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    await topology.recover();
    const recoveredAt = Date.now();
    const completedAtRecovery = await completedCount(redis);
    await waitFor(
      "jobs to complete again after the recovery",
      async () => (await completedCount(redis)) > completedAtRecovery,
      { timeoutMs: 120_000, intervalMs: 50 },
    );
    const processingResumeSeconds = (Date.now() - recoveredAt) / 1000;

    const results: FloodResult[] = await settled;
    await waitForDrained(redis, chaosSize(300_000, 600_000));
    const accepted = results.flatMap((r) => r.accepted);
    const refused = results.flatMap((r) => r.refused);
    const answers = results.flatMap((r) => r.answers);
    const statuses = new Set(answers.map(([, status]) => status ?? 0));
    const firstAcceptAfter = answers
      .filter(([at, status]) => at >= recoveredAt && status === 202)
      .reduce((first, [at]) => Math.min(first, at), Number.POSITIVE_INFINITY);
    const refusals = results.flatMap((r) => r.latencies["503"] ?? []);
    const processed = await checkProcessed(redis, accepted, refused);
    const runs = await handlerRuns(fleet.serveUrls);
    // Refused deliveries whose job Redis stored before the fault cut its answer off are processed too.
    const queued = accepted.length + processed.refusedButQueued.length;
    const ms = (v: number) => Math.round(v * 10) / 10;
    const figure: RedisFaultFigure = {
      accepted: accepted.length,
      refusedDuringOutage: refusals.length,
      lost: processed.missing.length,
      processedTwice: Math.max(0, runs - queued),
      startedTwice: processed.again.length,
      p99RefusalMs: ms(quantile(refusals, 0.99)),
      outageSeconds: ms((recoveredAt - faultAt) / 1000),
      intakeResumeSeconds: ms((firstAcceptAfter - recoveredAt) / 1000),
      processingResumeSeconds: ms(processingResumeSeconds),
      seconds: ms((Date.now() - started) / 1000),
    };
    printFigure(scenario, {
      topology: topology.name,
      ...figure,
      refusedButStored: processed.refusedButQueued.length,
      unanswered: results.reduce((n, r) => n + r.errors, 0),
    });

    expect(fleet.crashed(), fleet.explain()).toEqual([]);
    expect(fleet.processes.filter((p) => p.exit !== undefined).map((p) => p.name)).toEqual([]);
    // Every request answered within a host's timeout: 202, or 503 while Redis was away.
    expect(
      results.map((r) => r.errors),
      results.map((r) => r.firstError).join("; "),
    ).toEqual(results.map(() => 0));
    expect([...statuses].filter((s) => s !== 202 && s !== 503)).toEqual([]);
    expect(figure.refusedDuringOutage).toBeGreaterThan(0);
    // Refusals are quick: the queue's client fails at once while disconnected instead of waiting (well
    // under a host's 10 s even on a machine busy with other tests).
    expect(figure.p99RefusalMs).toBeLessThan(5_000);
    // Intake and processing came back while the burst went on, without a restart.
    expect(Number.isFinite(firstAcceptAfter), "no delivery accepted after the recovery").toBe(true);
    // No delivery answered 202 lost; each queued one's handler ran once, though a fetch the fault cut off
    // makes BullMQ start a job again once its lock expired (counted in the figure as startedTwice).
    expect(processed.missing.slice(0, 3)).toEqual([]);
    expect(processed.once + processed.again.length).toBe(accepted.length);
    expect(runs).toBe(queued);
    return figure;
  } finally {
    redis.disconnect();
    await fleet.stop();
  }
}
