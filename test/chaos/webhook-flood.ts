// What the flood and redis-restart scenarios share: a GitHub App's variables, a delivery the workers finish
// without calling anything, the open-loop load generator (flood-load.mjs), the check that each accepted
// delivery was processed exactly once, and RSS sampling of a process.
import { type ChildProcess, fork } from "node:child_process";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { type ConnectionOptions, Queue } from "bullmq";
import type { Cluster, Redis } from "ioredis";
import { DELIVERY_QUEUE, deliveryJobId } from "../../src/queue/delivery-queue.js";
import { QUEUE_PREFIX } from "../../src/queue/redis-topology.js";
import { waitFor } from "../support/cluster-kit.js";

/** The intake benchmark's rate (bench/results.json, `intake`), deliveries per second. */
export function benchIntakeRate(): number {
  const results = JSON.parse(readFileSync(new URL("../../bench/results.json", import.meta.url), "utf8")) as {
    name: string;
    value: number;
  }[];
  const intake = results.find((r) => r.name === "intake");
  if (!intake) throw new Error("bench/results.json has no intake result");
  return intake.value;
}

/** A GitHub App's variables: a fresh key and secret (nothing calls GitHub: see closedMergedDelivery). */
export function githubAppEnv(): { env: Record<string, string>; secret: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const secret = `chaos-${randomUUID()}`;
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return { env: { APP_ID: "424242", PRIVATE_KEY: pem, WEBHOOK_SECRET: secret }, secret };
}

export interface SignedDelivery {
  path: string;
  body: string;
  /** Every header but X-GitHub-Delivery, which each request gets fresh. */
  headers: Record<string, string>;
}

/**
 * A `pull_request` "closed" delivery of a merged pull request, signed: intake queues it (a `pr-closed`
 * job) and the worker finishes it at once with `{ result: "skipped" }` (the merge's push deploys), before
 * it looks up a host client, so it contacts nothing. Built from the published GitHub example.
 */
export function closedMergedDelivery(secret: string): SignedDelivery {
  const definitions = createRequire(import.meta.url)("@octokit/webhooks-examples") as {
    name: string;
    examples: { action?: string; installation?: unknown; pull_request?: { merged?: boolean } }[];
  }[];
  const example = definitions
    .find((d) => d.name === "pull_request")
    ?.examples.find((e) => e.action === "closed" && e.installation);
  if (!example?.pull_request)
    throw new Error("@octokit/webhooks-examples has no closed pull_request example");
  const body = JSON.stringify({ ...example, pull_request: { ...example.pull_request, merged: true } });
  return {
    path: "/api/github/webhooks",
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/044aadd",
      "x-github-event": "pull_request",
      "x-github-hook-id": "292430182",
      "x-github-hook-installation-target-type": "integration",
      "x-github-hook-installation-target-id": "424242",
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
  };
}

export interface FloodOptions {
  /** Requests started per second, whatever the answers. */
  rate: number;
  durationMs: number;
  /** Most requests outstanding at once (keep-alive connections). */
  connections: number;
  /** How long one request may wait for its answer before it counts as an error (a hang). */
  timeoutMs: number;
  /** Whether to return `answers`, each request's start time and status. */
  timeline?: boolean;
  /** The first milliseconds, whose latencies go to `warmupLatencies` instead of `latencies`. */
  warmupMs?: number;
}

export interface FloodResult {
  sent: number;
  /** Due while every connection was busy: the generator could not send them. */
  notSent: number;
  elapsedMs: number;
  byStatus: Record<string, number>;
  /** Delivery ids answered 202. */
  accepted: string[];
  /** Delivery ids answered anything else. */
  refused: string[];
  /** Requests without an answer (timeouts, resets). */
  errors: number;
  firstError?: string;
  /** Milliseconds from start to the answer's last byte, by status, of requests started after the warm-up. */
  latencies: Record<string, number[]>;
  /** The same for the requests started during the warm-up, whatever their status. */
  warmupLatencies: number[];
  /** With `timeline`: [start (epoch ms), status, milliseconds] per request ([start] alone: no answer). */
  answers: [number, number?, number?][];
}

const LOAD = fileURLToPath(new URL("./flood-load.mjs", import.meta.url));

/** Runs the load generator in a child process against `url` and returns what it saw. */
export async function flood(url: string, delivery: SignedDelivery, opts: FloodOptions): Promise<FloodResult> {
  const child: ChildProcess = fork(LOAD, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const exited = once(child, "exit").then(([code]) => {
      throw new Error(`the load generator exited (${code}) before it answered`);
    });
    exited.catch(() => {});
    const next = () => Promise.race([once(child, "message").then(([m]) => m), exited]);
    await next();
    child.send({ url, ...delivery, ...opts });
    const reply = (await next()) as { ok: boolean; result?: FloodResult; error?: string };
    if (!reply.ok || !reply.result) throw new Error(`the load generator failed: ${reply.error}`);
    return reply.result;
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

/** The `q`-quantile (0..1) of `values` in milliseconds, 0 when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export interface ProcessedCheck {
  /** Accepted deliveries whose job completed after exactly one start by a worker. */
  once: number;
  /** Accepted deliveries with no job, or a job not completed: the id and what its job hash holds. */
  missing: {
    id: string;
    finishedOn: string | null;
    returnvalue: string | null;
    failedReason: string | null;
  }[];
  /** Accepted deliveries whose job a worker started more than once (`ats` > 1). */
  again: { id: string; starts: number }[];
  /** Refused deliveries that have a job anyway. */
  refusedButQueued: string[];
}

/**
 * Reads each delivery's BullMQ job hash (kept 24 h after completion): `finishedOn` and the `skipped`
 * return value show a worker finished it, `ats` how often a worker started it.
 */
export async function checkProcessed(
  redis: Redis | Cluster,
  accepted: readonly string[],
  refused: readonly string[],
): Promise<ProcessedCheck> {
  const key = (id: string) => `${QUEUE_PREFIX}:${DELIVERY_QUEUE}:${deliveryJobId({ host: "github", id })}`;
  const result: ProcessedCheck = { once: 0, missing: [], again: [], refusedButQueued: [] };
  for (let i = 0; i < accepted.length; i += 5_000) {
    const ids = accepted.slice(i, i + 5_000);
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hmget(key(id), "finishedOn", "ats", "returnvalue", "failedReason");
    const replies = (await pipeline.exec()) ?? [];
    ids.forEach((id, n) => {
      const [finishedOn = null, ats, returnvalue = null, failedReason = null] = (replies[n]?.[1] ?? []) as (
        | string
        | null
      )[];
      if (!finishedOn || !returnvalue?.includes('"skipped"')) {
        result.missing.push({ id, finishedOn, returnvalue, failedReason });
      } else if (Number(ats) !== 1) result.again.push({ id, starts: Number(ats) });
      else result.once++;
    });
  }
  for (let i = 0; i < refused.length; i += 5_000) {
    const ids = refused.slice(i, i + 5_000);
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.exists(key(id));
    const replies = (await pipeline.exec()) ?? [];
    ids.forEach((id, n) => {
      if (replies[n]?.[1] === 1) result.refusedButQueued.push(id);
    });
  }
  return result;
}

/**
 * How many times the workers of these `serve` processes ran the handler of a closed pull request to its
 * end (`zakenak_jobs_total{type="pr-closed",result="skipped"}`, summed): the handler runs, whatever the
 * queue's bookkeeping says.
 */
export async function handlerRuns(serveUrls: readonly string[]): Promise<number> {
  let runs = 0;
  for (const url of serveUrls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text
      .split("\n")
      .find((l) => l.startsWith('zakenak_jobs_total{type="pr-closed",result="skipped"}'));
    runs += line ? Number(line.split(" ").at(-1)) : 0;
  }
  return runs;
}

/**
 * Waits until the delivery queue (on the prefix the bot uses) has no job waiting, active, delayed or
 * prioritized, and returns its counts (completed and failed included).
 */
export async function waitForDrained(
  connection: ConnectionOptions,
  timeoutMs: number,
): Promise<Record<string, number>> {
  const queue = new Queue(DELIVERY_QUEUE, { connection, prefix: QUEUE_PREFIX });
  try {
    const pending = ["waiting", "active", "delayed", "prioritized", "waiting-children"];
    return await waitFor(
      "the delivery queue to drain",
      async () => {
        const counts = (await queue.getJobCounts()) as Record<string, number>;
        return pending.every((state) => (counts[state] ?? 0) === 0) ? counts : undefined;
      },
      { timeoutMs, intervalMs: 200 },
    );
  } finally {
    await queue.close();
  }
}

/** Samples a process's resident set size (VmRSS) every `intervalMs` until stopped; MB. */
export function sampleRss(
  pid: number,
  intervalMs = 100,
): { peakMb(): number; lastMb(): number; stop(): void } {
  let peak = 0;
  let last = 0;
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      last = kb / 1024;
      peak = Math.max(peak, last);
    } catch {
      // The process is gone; the scenario checks that separately.
    }
  };
  read();
  const timer = setInterval(read, intervalMs);
  return { peakMb: () => peak, lastMb: () => last, stop: () => clearInterval(timer) };
}
