// Scenario `flood`: one real `zakenak serve` on a real Redis takes signed GitHub deliveries at ten times the
// rate the intake benchmark measured. Intake sheds what it cannot take (503 over its in-flight limit, 429
// over the queue's), answers every request well within a host's timeout, stays within a memory bound, and
// its workers process every delivery it accepted exactly once.
import { Redis } from "ioredis";
import { beforeAll, expect, it } from "vitest";
import { CHAOS_FULL, chaosSize, ensureBuilt, printFigure, startFleet } from "./chaos-kit.js";
import {
  benchIntakeRate,
  checkProcessed,
  closedMergedDelivery,
  flood,
  githubAppEnv,
  handlerRuns,
  quantile,
  sampleRss,
} from "./webhook-flood.js";

/** GitHub gives up on a delivery after 10 s: an answer later than that is a timeout to the host. */
const HOST_TIMEOUT_MS = 10_000;
/** A request without an answer after this long counts as one that hangs. */
const HANG_MS = 30_000;
/**
 * The flood's first second: 512 connections opened at once. Its answers are checked like the others, but
 * its latencies are reported apart (`firstSecondMaxMs`): they measure the connection storm, not shedding.
 */
const WARMUP_MS = 1_000;
/**
 * What the serve process may grow by, over its RSS once started, while the flood goes on: requests in
 * flight are bounded, so what grows is the heap of a busy process (80 to 200 MB measured on 2 cores).
 */
const RSS_GROWTH_BOUND_MB = 320;

beforeAll(ensureBuilt, 600_000);

it(
  "sheds a flood at 10× the measured intake rate, answers every request and processes every accepted delivery once",
  async () => {
    const started = Date.now();
    const app = githubAppEnv();
    // The short form lowers the queue's limit so that its seconds of flood reach it too.
    const limits = chaosSize<Record<string, string>>({ ZAKENAK_QUEUE_MAX_WAITING: "1000" }, {});
    const fleet = await startFleet({ serves: 1, env: { ...app.env, ...limits } });
    const redis = new Redis(fleet.redisUrl);
    try {
      const serve = fleet.processes[0];
      if (!serve?.url) throw new Error("no serve process");
      const rss = sampleRss(serve.pid);
      const idleMb = rss.lastMb();
      const delivery = closedMergedDelivery(app.secret);
      // A serve that has been running: its first deliveries after start cost seconds of loading and
      // compiling that a flood would otherwise be measured against.
      const warm = await flood(serve.url, delivery, {
        rate: 100,
        durationMs: 2_000,
        connections: 16,
        timeoutMs: 30_000,
      });
      expect(warm.errors, warm.firstError).toBe(0);
      const rate = Math.round(10 * benchIntakeRate());
      const durationMs = chaosSize(3_000, 10_000);
      const result = await flood(serve.url, delivery, {
        rate,
        durationMs,
        connections: 512,
        timeoutMs: HANG_MS,
        warmupMs: WARMUP_MS,
      });
      const floodEnded = Date.now();
      const counts = await fleet.waitForQueueEmpty(chaosSize(300_000, 900_000));
      const drainSeconds = (Date.now() - floodEnded) / 1000;
      rss.stop();

      const accepted = [...warm.accepted, ...result.accepted];
      const refused = [...warm.refused, ...result.refused];
      const shed = (result.byStatus["429"] ?? 0) + (result.byStatus["503"] ?? 0);
      const rejections = [...(result.latencies["429"] ?? []), ...(result.latencies["503"] ?? [])];
      const acceptances = result.latencies["202"] ?? [];
      const ms = (v: number) => Math.round(v * 10) / 10;
      const figure = {
        rateAsked: rate,
        rateSent: Math.round(result.sent / (result.elapsedMs / 1000)),
        sent: result.sent,
        notSentGeneratorBusy: result.notSent,
        accepted: result.accepted.length,
        shed429: result.byStatus["429"] ?? 0,
        shed503: result.byStatus["503"] ?? 0,
        unanswered: result.errors,
        p50AcceptMs: ms(quantile(acceptances, 0.5)),
        p99AcceptMs: ms(quantile(acceptances, 0.99)),
        p50ShedMs: ms(quantile(rejections, 0.5)),
        p99ShedMs: ms(quantile(rejections, 0.99)),
        maxMs: ms(largest(Object.values(result.latencies).flat())),
        firstSecondMaxMs: ms(largest(result.warmupLatencies)),
        idleRssMb: Math.round(idleMb),
        peakRssMb: Math.round(rss.peakMb()),
        drainSeconds: ms(drainSeconds),
        seconds: ms((Date.now() - started) / 1000),
      };

      printFigure("flood", figure);

      // Never crashed, every request answered with one of the three answers, and after the connection
      // storm of the first second within a host's timeout.
      expect(fleet.crashed(), fleet.explain()).toEqual([]);
      expect(serve.exit).toBeUndefined();
      expect(result.errors, result.firstError).toBe(0);
      expect(Object.keys(result.byStatus).filter((s) => !["202", "429", "503"].includes(s))).toEqual([]);
      expect(figure.maxMs).toBeLessThan(HOST_TIMEOUT_MS);
      expect(result.accepted.length + result.refused.length).toBe(result.sent);
      // The flood is over intake's capacity by construction: some of it is shed, some accepted.
      expect(shed).toBeGreaterThan(0);
      expect(result.accepted.length).toBeGreaterThan(0);
      // Refusals come before the body is read: not slower than acceptances.
      expect(quantile(rejections, 0.99)).toBeLessThanOrEqual(Math.max(quantile(acceptances, 0.99), 1_000));
      expect(rss.peakMb()).toBeLessThan(idleMb + RSS_GROWTH_BOUND_MB);

      // Every accepted delivery completed after exactly one start by a worker; none refused was queued.
      const processed = await checkProcessed(redis, accepted, refused);
      expect(processed.missing.slice(0, 3)).toEqual([]);
      expect(processed.again.slice(0, 10)).toEqual([]);
      expect(processed.refusedButQueued.slice(0, 10)).toEqual([]);
      expect(processed.once).toBe(accepted.length);
      expect(await handlerRuns(fleet.serveUrls)).toBe(accepted.length);
      expect(counts.completed).toBe(accepted.length);
      expect(counts.failed ?? 0).toBe(0);
    } finally {
      redis.disconnect();
      await fleet.stop();
    }
  },
  CHAOS_FULL ? 1_800_000 : 900_000,
);

/** The largest of many values (spreading them into Math.max would overflow the stack). */
function largest(values: readonly number[]): number {
  return values.reduce((max, v) => Math.max(max, v), 0);
}
