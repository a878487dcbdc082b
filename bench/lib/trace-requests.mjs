// Profiling aid, not used by the benchmarks: preload it into a zakenak run that talks to a cluster to see
// where the wall time goes between start-up, the API requests and the rest.
//
//   node --import ./bench/lib/trace-requests.mjs bin/zakenak.js apply --env bench --repo DIR --kubeconfig K --no-wait
//
// On exit it prints, on stderr: the time from process start to this preload (node's own start-up), to
// the first request (module loading, config, render, kubeconfig) and to the last response; then one
// line per kind of request (method, dry run, path with the namespace and name folded into "*"): how
// many, the sum and the median of their latencies, and the window in which they ran, in milliseconds
// since process start; then the phases the command marked (performance.mark("zakenak:…")).
// BENCH_TRACE_REQUESTS=all also lists every request in order.
import http from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";

const preloadAt = performance.now();
const events = [];

function wrap(mod) {
  const request = mod.request;
  mod.request = function tracedRequest(...args) {
    const req = request.apply(this, args);
    const opts = typeof args[0] === "object" && !(args[0] instanceof URL) ? args[0] : (args[1] ?? {});
    const path = String(opts.path ?? (args[0] instanceof URL ? args[0].pathname + args[0].search : args[0]));
    const ev = { method: opts.method ?? "GET", path, start: performance.now(), end: undefined, status: 0 };
    events.push(ev);
    req.on("response", (res) => {
      ev.status = res.statusCode;
      res.on("end", () => {
        ev.end = performance.now();
      });
    });
    req.on("close", () => {
      ev.end ??= performance.now();
    });
    return req;
  };
}
wrap(https);
wrap(http);

function kindOf(ev) {
  const [p, q = ""] = ev.path.split("?");
  const folded = p
    .replace(/\/namespaces\/[^/]+/, "/namespaces/*")
    .replace(/^(\/apis?\/(?:[^/]+\/)?v[^/]+\/(?:namespaces\/\*\/)?[^/]+)\/[^/]+/, "$1/*");
  const flags = [q.includes("dryRun") ? "dryRun" : "", q.includes("labelSelector") ? "labelSelector" : ""]
    .filter(Boolean)
    .join(",");
  return `${ev.method} ${folded}${flags ? ` [${flags}]` : ""}`;
}

process.on("exit", () => {
  const done = events.filter((e) => e.end !== undefined);
  const f = (v) => v.toFixed(0).padStart(6);
  const lines = [
    `trace-requests: preload at ${preloadAt.toFixed(0)} ms, first request at ${done.length ? done[0].start.toFixed(0) : "-"} ms, last response at ${done.length ? Math.max(...done.map((e) => e.end)).toFixed(0) : "-"} ms, exit at ${performance.now().toFixed(0)} ms; ${events.length} requests`,
  ];
  const groups = new Map();
  for (const e of done) {
    const k = kindOf(e);
    const g = groups.get(k) ?? { n: 0, sum: 0, lat: [], from: Infinity, to: 0 };
    g.n++;
    g.sum += e.end - e.start;
    g.lat.push(e.end - e.start);
    g.from = Math.min(g.from, e.start);
    g.to = Math.max(g.to, e.end);
    groups.set(k, g);
  }
  lines.push("     n  sum ms  median    from      to  request");
  for (const [k, g] of [...groups].sort((a, b) => a[1].from - b[1].from)) {
    const lat = g.lat.sort((a, b) => a - b);
    lines.push(
      `${String(g.n).padStart(6)} ${f(g.sum)}  ${f(lat[Math.floor(lat.length / 2)])}  ${f(g.from)}  ${f(g.to)}  ${k}`,
    );
  }
  // The phases a command marks with performance.mark("zakenak:…") (apply: loaded, cluster-opened,
  // rendered, locked, recorded, deployed, applied), in ms since process start.
  const marks = performance.getEntriesByType("mark").filter((m) => m.name.startsWith("zakenak:"));
  if (marks.length > 0)
    lines.push(
      `phases: ${marks.map((m) => `${m.name.slice("zakenak:".length)} ${m.startTime.toFixed(0)}`).join(", ")}`,
    );
  if (process.env.BENCH_TRACE_REQUESTS === "all")
    for (const e of events)
      lines.push(
        `  ${f(e.start)} ${e.end === undefined ? "     -" : f(e.end)} ${e.status} ${e.method} ${e.path}`,
      );
  process.stderr.write(`${lines.join("\n")}\n`);
});
