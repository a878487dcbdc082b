// The `intake` benchmark: signed GitHub `push` webhooks per second through zakenak's real intake, against
// a bare Express handler answering 202, on the same machine with the same load generator.
//
// Processes (all on 127.0.0.1):
//   redis-server   started here on a free port (--save "" --appendonly no), stopped at the end
//   zakenak        bench/lib/intake-server.mjs zakenak: createApp() from dist/server/create-app.js with a
//                  GitHub App config (APP_ID, a fresh RSA key, WEBHOOK_SECRET), the delivery queue on that
//                  Redis, metrics and an info-level logger on stdout (→ /dev/null), as `zakenak serve`
//                  builds it; each request's X-Hub-Signature-256 is checked on the raw body (HMAC-SHA256),
//                  normalized and enqueued (HEXISTS on the job id, then BullMQ add, auto-pipelined). No worker runs: the jobs stay waiting.
//   bare           bench/lib/intake-server.mjs bare: Express, express.raw() reads the body, answers 202
//   load           bench/lib/load-gen.mjs: undici Pool, CONNECTIONS keep-alive connections, one request
//                  at a time each; WARMUP_MS of warm-up, then MAX_REQUESTS or DURATION_MS, whichever first
//
// Payload: the published `push` example of @octokit/webhooks-examples for a branch push from a GitHub App
// installation (refs/heads/master), compact JSON, signed once with the app's WEBHOOK_SECRET
// (X-Hub-Signature-256 covers the body only); every request carries a fresh X-GitHub-Delivery, so every
// request enqueues a job. Every response must be 202 with `"result":"accepted"`; after each zakenak run the
// queue must hold exactly one new waiting job per request sent (then it is emptied). Anything else fails
// the benchmark.
//
// Each iteration (one warm-up + N measured) runs both targets, alternating which goes first, after
// waiting for the machine to be idle. Results:
//   intake      zakenak requests/s; baseline bare requests/s; ratio zakenak/bare (HIGHER is better)
//   intake-p99  zakenak p99 latency (ms); baseline bare p99 (lower is better)
import { fork } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { once } from "node:events";
import { closeSync, openSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitForQuiet } from "./lib/quiet.mjs";
import { startRedisServer } from "./lib/redis-server.mjs";
import { describeSamples, median } from "./lib/stats.mjs";

export const name = "intake";
export const description =
  "signed GitHub push webhooks/s through the real intake (verify, normalize, BullMQ enqueue) vs a bare Express 202";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SERVER = join(ROOT, "bench", "lib", "intake-server.mjs");
const LOAD = join(ROOT, "bench", "lib", "load-gen.mjs");
const PATH = "/api/github/webhooks";
const CONNECTIONS = Number(process.env.BENCH_INTAKE_CONNECTIONS || 32);
const WARMUP_MS = 1_000;
const DURATION_MS = 3_000;
const MAX_REQUESTS = 20_000;

/** The push example: a branch push delivered to an App installation, as zakenak sees them. */
function pushPayload() {
  const definitions = createRequire(import.meta.url)("@octokit/webhooks-examples");
  const examples = definitions.find((d) => d.name === "push")?.examples ?? [];
  const found = examples.find((e) => e.ref?.startsWith("refs/heads/") && !e.deleted && e.installation);
  if (!found) throw new Error("@octokit/webhooks-examples has no branch push example with an installation");
  return found;
}

/** A forked child with IPC; resolves with it once its first message arrives (or rejects if it dies). */
async function forkChild(file, args, opts = {}) {
  const devNull = openSync("/dev/null", "w");
  const child = fork(file, args, {
    env: opts.env ?? process.env,
    stdio: ["ignore", devNull, "pipe", "ipc"],
  });
  closeSync(devNull);
  const stderr = [];
  child.stderr.on("data", (b) => stderr.push(b));
  child.stderrText = () => Buffer.concat(stderr).toString("utf8");
  const first = await new Promise((resolve, reject) => {
    const onExit = (code, signal) =>
      reject(
        new Error(
          `${file} ${args.join(" ")} exited (${signal ?? code}) before it was ready:\n${child.stderrText()}`,
        ),
      );
    child.once("exit", onExit);
    child.once("message", (m) => {
      child.off("exit", onExit);
      resolve(m);
    });
  });
  return { child, first };
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** One load run through the load generator child. */
function loadRun(gen, opts) {
  return new Promise((resolve, reject) => {
    const onExit = (code, signal) =>
      reject(new Error(`load generator exited (${signal ?? code}):\n${gen.stderrText()}`));
    gen.once("exit", onExit);
    gen.once("message", (reply) => {
      gen.off("exit", onExit);
      if (reply.ok) resolve(reply.result);
      else reject(new Error(`load generator failed:\n${reply.error}`));
    });
    gen.send(opts);
  });
}

export async function run({ runs, log }) {
  const secret = `bench-${randomUUID()}`;
  const body = JSON.stringify(pushPayload());
  const headers = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/044aadd",
    "x-github-event": "push",
    "x-github-hook-id": "292430182",
    "x-github-hook-installation-target-type": "integration",
    "x-github-hook-installation-target-id": "424242",
    "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
  };
  log(`payload: push example (refs/heads/master), ${body.length} bytes; ${CONNECTIONS} connections`);

  const redis = await startRedisServer();
  const children = [];
  try {
    log(`redis-server ${redis.url} (pid ${redis.pid})`);
    const zk = await forkChild(SERVER, ["zakenak"], {
      env: { ...process.env, REDIS_URL: redis.url, WEBHOOK_SECRET: secret, LOG_LEVEL: "info" },
    });
    children.push(zk.child);
    const bare = await forkChild(SERVER, ["bare"]);
    children.push(bare.child);
    const gen = await forkChild(LOAD, []);
    children.push(gen.child);
    const targets = {
      zakenak: { url: `http://127.0.0.1:${zk.first.port}`, child: zk.child },
      bare: { url: `http://127.0.0.1:${bare.first.port}`, child: bare.child },
    };
    log(
      `zakenak intake on ${targets.zakenak.url} (pid ${zk.child.pid}), bare on ${targets.bare.url} (pid ${bare.child.pid})`,
    );

    const { Queue } = await import("bullmq");
    const { DELIVERY_QUEUE } = await import(join(ROOT, "dist", "queue", "delivery-queue.js"));
    const { QUEUE_PREFIX } = await import(join(ROOT, "dist", "queue", "redis-topology.js"));
    const queue = new Queue(DELIVERY_QUEUE, {
      connection: { host: "127.0.0.1", port: redis.port },
      prefix: QUEUE_PREFIX,
    });
    const samples = { zakenak: [], bare: [] };
    const noisy = [];
    let total = 0;
    try {
      for (let i = 0; i <= runs; i++) {
        const tag = i === 0 ? "warm-up" : `run ${i}/${runs}`;
        const quiet = await waitForQuiet({ timeoutMs: 120_000 });
        if (!quiet.quiet) noisy.push(tag);
        const order = i % 2 === 0 ? ["bare", "zakenak"] : ["zakenak", "bare"];
        const line = [];
        for (const which of order) {
          const target = targets[which];
          if (target.child.exitCode !== null)
            throw new Error(`${which} server died (${target.child.exitCode}):\n${target.child.stderrText()}`);
          const before = which === "zakenak" ? await queue.getWaitingCount() : 0;
          const r = await loadRun(gen.child, {
            url: target.url,
            path: PATH,
            body,
            headers,
            connections: CONNECTIONS,
            warmupMs: WARMUP_MS,
            durationMs: DURATION_MS,
            maxRequests: MAX_REQUESTS,
          });
          const sent = r.warmup + r.measured;
          total += which === "zakenak" ? sent : 0;
          if (r.non202 > 0 || r.notAccepted > 0 || r.errors > 0) {
            throw new Error(
              `${which} (${tag}): ${r.non202} of ${sent} responses were not 202, ${r.notAccepted} were 202 without "result":"accepted", ${r.errors} requests failed; first: ${r.firstBad}\n${target.child.stderrText()}`,
            );
          }
          if (which === "zakenak") {
            const added = (await queue.getWaitingCount()) - before;
            if (added !== sent)
              throw new Error(
                `zakenak (${tag}): ${sent} requests answered 202 but ${added} jobs were enqueued`,
              );
            await queue.obliterate({ force: true });
          }
          if (i > 0) samples[which].push(r);
          line.push(
            `${which} ${r.rps.toFixed(0)} req/s (${r.measured} in ${r.elapsedMs.toFixed(0)} ms, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(1)} ms)`,
          );
        }
        log(`${tag} (machine ${(100 * (quiet.busy ?? 0)).toFixed(0)}% busy before): ${line.join("; ")}`);
      }
    } finally {
      await queue.close();
    }

    const rps = (w) => samples[w].map((r) => r.rps);
    const p99 = (w) => samples[w].map((r) => r.p99Ms);
    const p50 = (w) => samples[w].map((r) => r.p50Ms);
    const zkRps = median(rps("zakenak"));
    const bareRps = median(rps("bare"));
    const measuredCount = (w) => samples[w].map((r) => r.measured);
    const setup =
      `${CONNECTIONS} keep-alive connections (undici Pool in a separate node process), ${WARMUP_MS / 1000} s warm-up then ` +
      `${MAX_REQUESTS} requests or ${DURATION_MS / 1000} s, whichever first; the published push example ` +
      `(${body.length} bytes, refs/heads/master) signed with X-Hub-Signature-256, a fresh X-GitHub-Delivery each; ` +
      `servers in their own processes on 127.0.0.1, redis-server of its own; ${availableParallelism()} cores ` +
      `shared by load generator, server and Redis; Node ${process.version}.`;
    const noise =
      noisy.length > 0 ? ` Started while the machine was busy (others' tests): ${noisy.join(", ")}.` : "";
    return [
      {
        name: "intake",
        value: zkRps,
        unit: "req/s",
        baseline: "bare Express handler answering 202 (body read by express.raw)",
        baselineValue: bareRps,
        note:
          `HIGHER is better here (ratio = zakenak / bare throughput). Real intake: X-Hub-Signature-256 checked on the raw body, ` +
          `normalization, BullMQ enqueue (HEXISTS + add, auto-pipelined) on a real Redis, metrics and an info log line per ` +
          `request; every one of the ${total} requests sent to zakenak (warm-up included) answered 202 ` +
          `"accepted" and enqueued exactly one job. ${setup} zakenak ${describeSamples(rps("zakenak"), "req/s", 0)} ` +
          `(measured requests per run ${describeSamples(measuredCount("zakenak"), "requests", 0)}); bare ` +
          `${describeSamples(rps("bare"), "req/s", 0)}; the two alternate which goes first.${noise}`,
        goal: { minRatio: 0.6, context: `on ${availableParallelism()} cores` },
      },
      {
        name: "intake-p99",
        value: median(p99("zakenak")),
        unit: "ms",
        baseline: "bare Express handler's p99",
        baselineValue: median(p99("bare")),
        note:
          `99th percentile of per-request latency (send to last body byte, as the load generator sees it) ` +
          `under the same ${CONNECTIONS}-connection load, median over runs; lower is better. zakenak p99 ` +
          `${describeSamples(p99("zakenak"), "ms", 2)}, p50 ${describeSamples(p50("zakenak"), "ms", 2)}; bare p99 ` +
          `${describeSamples(p99("bare"), "ms", 2)}, p50 ${describeSamples(p50("bare"), "ms", 2)}. At a closed-loop ` +
          `load latency ≈ connections / throughput, so this mostly restates the throughput gap.`,
      },
    ];
  } finally {
    for (const c of children.reverse()) await stopChild(c).catch(() => {});
    await redis.stop();
  }
}
