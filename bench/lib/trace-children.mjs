// Profiling aid, not used by the benchmarks: preload it into a zakenak run to see where the wall time
// goes between child processes (git, tar, helm, kubectl) and the node process itself.
//
//   node --import ./bench/lib/trace-children.mjs bin/zakenak.js plan --repo DIR --base HEAD~1 --format json >/dev/null
//
// On exit it prints, on stderr, node's own CPU time and peak RSS, then one line per kind of child process
// (release names folded into "*"): how many ran, their summed duration and the window in which they ran,
// in milliseconds since start-up. Combine with `--cpu-prof` for the in-process part.
import cp from "node:child_process";
import fsp from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";

const t0 = process.hrtime.bigint();
const now = () => Number(process.hrtime.bigint() - t0) / 1e6;
const events = [];

const spawn = cp.spawn;
cp.spawn = function tracedSpawn(file, args, ...rest) {
  const child = spawn.call(this, file, args, ...rest);
  const start = now();
  const words = (Array.isArray(args) ? args : []).filter((a) => !a.startsWith("/")).slice(0, 4);
  const label = `${String(file).split("/").pop()} ${words.join(" ")}`;
  child.on("close", () => events.push({ label, start, end: now() }));
  return child;
};
const rm = fsp.rm;
fsp.rm = async function tracedRm(path, ...rest) {
  const start = now();
  try {
    return await rm.call(this, path, ...rest);
  } finally {
    events.push({
      label: `fs.rm ${String(path).replace(/zakenak-tree-\w+/, "zakenak-tree-*")}`,
      start,
      end: now(),
    });
  }
};
syncBuiltinESMExports();

process.on("exit", () => {
  const u = process.resourceUsage();
  const out = [
    `[trace] exit at ${now().toFixed(0)} ms; node itself: user ${(u.userCPUTime / 1000).toFixed(0)} ms, sys ${(u.systemCPUTime / 1000).toFixed(0)} ms, peak RSS ${(u.maxRSS / 1024).toFixed(1)} MB`,
  ];
  const groups = new Map();
  for (const e of events) {
    const key = e.label.replace(/\b[0-9a-f]{40}\b/, "<sha>").replace(/(?<=template )\S+/, "*");
    const g = groups.get(key) ?? { n: 0, sum: 0, first: Number.POSITIVE_INFINITY, last: 0 };
    g.n++;
    g.sum += e.end - e.start;
    g.first = Math.min(g.first, e.start);
    g.last = Math.max(g.last, e.end);
    groups.set(key, g);
  }
  for (const [k, g] of [...groups].sort((a, b) => a[1].first - b[1].first)) {
    out.push(
      `[trace] ${k.padEnd(48)} n=${String(g.n).padStart(3)}  sum ${g.sum.toFixed(0).padStart(6)} ms  from ${g.first.toFixed(0)} to ${g.last.toFixed(0)} ms`,
    );
  }
  process.stderr.write(`${out.join("\n")}\n`);
});
