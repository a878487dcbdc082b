// Child process of the fault suite's webhook floods: an open-loop load generator, started with fork() and
// driven over IPC, so it never shares an event loop with the test that checks the outcome.
//
// The parent sends one message: { url, path, body, headers, rate, durationMs, connections, timeoutMs,
// timeline, warmupMs }.
// Requests start on a schedule of `rate` per second for `durationMs`, whatever the answers: each POSTs
// `body` with `headers` plus a fresh X-GitHub-Delivery. At most `connections` are outstanding (one per
// keep-alive connection); a request due while all are busy is not sent and counted in `notSent`, so the
// rate actually sent is reported rather than assumed. Every request waits up to `timeoutMs` for its answer.
//
// Replies { ok: true, result: { sent, notSent, elapsedMs, byStatus, accepted, refused, errors, firstError,
// latencies } } where accepted/refused are delivery ids answered 202 / anything else, and latencies holds
// per-status arrays of milliseconds (request start to last body byte) of the requests started after the
// first `warmupMs` (default 0), those of the first `warmupMs` being in `warmupLatencies` (all statuses). With `timeline`, also `answers`:
// [start (epoch ms), status, ms] for every request answered, [start] for one that was not, in start order.
import { randomUUID } from "node:crypto";
import { Pool } from "undici";

const TICK_MS = 2;

async function flood(opts) {
  const target = new URL(opts.url);
  if (target.hostname !== "127.0.0.1") throw new Error(`flood only targets 127.0.0.1, not ${opts.url}`);
  const pool = new Pool(target.origin, {
    connections: opts.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
  });
  const body = Buffer.from(opts.body);
  const byStatus = {};
  const latencies = {};
  const warmupLatencies = [];
  const accepted = [];
  const refused = [];
  let sent = 0;
  let notSent = 0;
  let outstanding = 0;
  let errors = 0;
  let firstError;
  const inFlight = new Set();
  const answers = [];
  const t0 = performance.now();

  const one = async () => {
    const id = randomUUID();
    const start = performance.now();
    const warmup = start - t0 < (opts.warmupMs ?? 0);
    const answer = opts.timeline ? [Date.now()] : undefined;
    if (answer) answers.push(answer);
    outstanding++;
    sent++;
    try {
      const res = await pool.request({
        method: "POST",
        path: opts.path,
        headers: { ...opts.headers, "x-github-delivery": id },
        body,
      });
      await res.body.text();
      const ms = performance.now() - start;
      if (answer) answer.push(res.statusCode, ms);
      byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
      if (warmup) warmupLatencies.push(ms);
      else {
        latencies[res.statusCode] ??= [];
        latencies[res.statusCode].push(ms);
      }
      (res.statusCode === 202 ? accepted : refused).push(id);
    } catch (error) {
      errors++;
      firstError ??= `${error.code ?? ""} ${error.message}`;
    } finally {
      outstanding--;
    }
  };

  for (;;) {
    const elapsed = performance.now() - t0;
    if (elapsed >= opts.durationMs) break;
    const due = Math.floor((opts.rate * elapsed) / 1000) - sent - notSent;
    for (let i = 0; i < due; i++) {
      if (outstanding >= opts.connections) {
        notSent++;
        continue;
      }
      const p = one();
      inFlight.add(p);
      p.finally(() => inFlight.delete(p));
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  const elapsedMs = performance.now() - t0;
  await Promise.all([...inFlight]);
  await pool.close();
  return {
    sent,
    notSent,
    elapsedMs,
    byStatus,
    accepted,
    refused,
    errors,
    firstError,
    latencies,
    warmupLatencies,
    answers,
  };
}

process.once("message", async (opts) => {
  try {
    process.send({ ok: true, result: await flood(opts) }, () => process.exit(0));
  } catch (error) {
    process.send({ ok: false, error: error.stack ?? String(error) }, () => process.exit(1));
  }
});
process.send({ ready: true });
