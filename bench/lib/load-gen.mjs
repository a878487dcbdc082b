// Child process of the `intake` benchmark: an HTTP load generator, started with `fork()` and driven over
// IPC, so it never shares an event loop with the server it loads (nor with the bench runner).
//
// The parent sends one message per load run:
//   { url, path, body, headers, connections, warmupMs, durationMs, maxRequests }
// The generator keeps `connections` keep-alive connections (undici Pool, no pipelining) busy, each with
// one request at a time: POST `body` with `headers` plus a fresh `X-GitHub-Delivery` (a random UUID, as
// GitHub sends) per request. Requests issued in the first `warmupMs` are the warm-up and are not timed;
// then it issues requests until `maxRequests` have been issued or `durationMs` has passed, whichever comes
// first, and waits for the last answers. Only 127.0.0.1 is accepted as a target.
//
// Replies with { issued, measured, elapsedMs, rps, p50Ms, p99Ms, maxMs, warmup, non202, notAccepted,
// firstBad } where non202 counts every response (warm-up included) whose status is not 202, notAccepted
// every 202 whose body lacks `"result":"accepted"` (e.g. a duplicate), and firstBad describes the first
// such response or request error.
import { randomUUID } from "node:crypto";
import { Pool } from "undici";

async function load(opts) {
  const target = new URL(opts.url);
  if (target.hostname !== "127.0.0.1")
    throw new Error(`load generator only targets 127.0.0.1, not ${opts.url}`);
  const pool = new Pool(target.origin, {
    connections: opts.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  const body = Buffer.from(opts.body);
  const latencies = new Float64Array(opts.maxRequests + opts.connections);
  let measured = 0;
  let measuredIssued = 0;
  let warmup = 0;
  let non202 = 0;
  let notAccepted = 0;
  let errors = 0;
  let firstBad;
  let lastEnd = 0;

  const t0 = performance.now();
  const measureStart = t0 + opts.warmupMs;
  const measureEnd = measureStart + opts.durationMs;

  async function one() {
    const start = performance.now();
    const timed = start >= measureStart;
    if (timed) measuredIssued++;
    try {
      const res = await pool.request({
        method: "POST",
        path: opts.path,
        headers: { ...opts.headers, "x-github-delivery": randomUUID() },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode !== 202) {
        non202++;
        firstBad ??= `HTTP ${res.statusCode}: ${text.slice(0, 300)}`;
      } else if (!text.includes('"result":"accepted"')) {
        notAccepted++;
        firstBad ??= `HTTP 202 without "result":"accepted": ${text.slice(0, 300)}`;
      }
    } catch (error) {
      errors++;
      firstBad ??= `request failed: ${error.message}`;
    }
    const end = performance.now();
    if (timed) {
      latencies[measured++] = end - start;
      lastEnd = end;
    } else warmup++;
  }

  async function loop() {
    for (;;) {
      const now = performance.now();
      if (now >= measureEnd || measuredIssued >= opts.maxRequests) return;
      await one();
    }
  }

  await Promise.all(Array.from({ length: opts.connections }, loop));
  await pool.close();
  const sorted = latencies.subarray(0, measured).sort();
  const pct = (p) =>
    measured === 0 ? Number.NaN : sorted[Math.min(measured - 1, Math.ceil(p * measured) - 1)];
  const elapsedMs = lastEnd - measureStart;
  return {
    issued: measuredIssued,
    measured,
    elapsedMs,
    rps: measured / (elapsedMs / 1000),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    maxMs: measured === 0 ? Number.NaN : sorted[measured - 1],
    warmup,
    non202,
    notAccepted,
    errors,
    firstBad,
  };
}

process.on("message", async (msg) => {
  if (msg === "exit") {
    process.exit(0);
  }
  try {
    process.send({ ok: true, result: await load(msg) });
  } catch (error) {
    process.send({ ok: false, error: error.stack ?? String(error) });
  }
});
process.send({ ready: true });
