#!/usr/bin/env node
// Benchmark runner: `npm run bench [-- [--runs N] NAME...]`.
//
// Each benchmark is a module in bench/ exporting `{ name, description, run(ctx) => Promise<Result[]> }`,
// where a Result is `{ name, value, unit, baseline, baselineValue, note, goal? }` and `goal` is
// `{ maxRatio }` (or `{ minRatio }`) with an optional `context` such as "on 2 cores". The runner adds
// `ratio = value / baselineValue`, prints a table and writes bench/results.json (a list of
// `{name, value, unit, baseline, baselineValue, ratio, note}`) and bench/machine.json.
//
// With names, only those benchmarks run and their entries replace same-named entries in an existing
// results.json; without names every benchmark runs and results.json is written afresh.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeMachine } from "./lib/machine.mjs";
import { formatGoal, formatTable, verdict } from "./lib/table.mjs";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS_FILE = join(BENCH_DIR, "results.json");
const MACHINE_FILE = join(BENCH_DIR, "machine.json");

/** Every benchmark, by name, in the order they run and appear in results.json. */
const REGISTRY = {
  plan: () => import("./plan.mjs"),
  cluster: () => import("./cluster.mjs"),
  intake: () => import("./intake.mjs"),
  burst: () => import("./burst.mjs"),
  "large-input": () => import("./large-input.mjs"),
};

/** Result names that one benchmark module produces together: asking for any of them runs that module. */
const ALIASES = {
  apply: "cluster",
  "apply-vs-floor": "cluster",
  reapply: "cluster",
  "live-diff": "cluster",
  "intake-p99": "intake",
  "burst-peak-rss": "burst",
};

const USAGE = `Usage: npm run bench [-- [options] [NAME...]]

Runs the named benchmarks (default: all) against baselines measured in the same run, prints a table and
writes bench/results.json (merging when names are given) and bench/machine.json.

Options:
  --runs N    measured runs per figure, after one warm-up (default 5; the median is reported)
  --list      list the benchmarks
  --help      show this help

Benchmarks: ${Object.keys(REGISTRY).join(", ")}
(${Object.entries(ALIASES)
  .map(([a, m]) => `${a} runs ${m}`)
  .join(", ")})`;

function parseArgs(argv) {
  const opts = { names: [], runs: 5, list: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") opts.help = true;
    else if (a === "--list") opts.list = true;
    else if (a === "--runs" || a.startsWith("--runs=")) {
      const v = a.includes("=") ? a.slice("--runs=".length) : argv[++i];
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new UsageError(`--runs must be a positive whole number, got "${v}"`);
      opts.runs = n;
    } else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
    else opts.names.push(a);
  }
  for (const n of opts.names) {
    if (!(n in REGISTRY) && !(n in ALIASES))
      throw new UsageError(
        `unknown benchmark "${n}" (known: ${[...Object.keys(REGISTRY), ...Object.keys(ALIASES)].join(", ")})`,
      );
  }
  // Result names run the module that produces them, each module once, in the order given.
  opts.names = [...new Set(opts.names.map((n) => ALIASES[n] ?? n))];
  return opts;
}

class UsageError extends Error {}

function round(v, digits = 3) {
  return typeof v === "number" && Number.isFinite(v) ? Number(v.toFixed(digits)) : v;
}

/** The fixed results.json shape; a declared goal and its verdict go into the note. */
function toRecord(r) {
  const goal = formatGoal(r.goal);
  const v = verdict(r);
  const goalText = goal
    ? ` Goal ${goal}${r.goal.context ? ` ${r.goal.context}` : ""}: ${v || "not judged"}.`
    : "";
  return {
    name: r.name,
    value: round(r.value),
    unit: r.unit,
    baseline: r.baseline,
    baselineValue: round(r.baselineValue),
    ratio: round(r.ratio, 4),
    note: `${r.note ?? ""}${goalText}`.trim(),
  };
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`bench: ${err.message}\n\n${USAGE}`);
    return 1;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  if (opts.list) {
    for (const [name, load] of Object.entries(REGISTRY))
      console.log(`${name}\t${(await load()).description ?? ""}`);
    return 0;
  }
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 24) {
    console.error(
      `bench: running on node ${process.version}; the project needs Node 24. Run it as "npm run bench", which puts the node dev dependency first on PATH.`,
    );
    return 1;
  }

  const machine = describeMachine();
  writeFileSync(MACHINE_FILE, `${JSON.stringify(machine, null, 2)}\n`);
  console.log("Machine (bench/machine.json):");
  for (const [k, v] of Object.entries(machine)) if (v !== undefined) console.log(`  ${k}: ${v}`);
  console.log("");

  const names = opts.names.length > 0 ? opts.names : Object.keys(REGISTRY);
  const results = [];
  const failed = [];
  for (const name of names) {
    const bench = await REGISTRY[name]();
    console.log(`== ${name}: ${bench.description ?? ""}`);
    const started = Date.now();
    try {
      const rs = await bench.run({ runs: opts.runs, log: (msg) => console.log(`  ${msg}`), machine });
      for (const r of rs) {
        r.ratio =
          typeof r.value === "number" && typeof r.baselineValue === "number" && r.baselineValue !== 0
            ? r.value / r.baselineValue
            : null;
        results.push(r);
      }
      console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    } catch (err) {
      failed.push(name);
      console.error(
        `\n!! benchmark "${name}" FAILED:\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    }
  }

  if (results.length > 0) {
    console.log(formatTable(results));
    const notes = results.filter((r) => r.note);
    if (notes.length > 0) {
      console.log("\nNotes:");
      for (const r of notes) console.log(`  ${r.name}: ${r.note}`);
    }
  }

  // Merge: with names, keep other entries of an existing results.json and replace same-named ones.
  // A full run that failed somewhere merges too, so the failed benchmarks' earlier figures are kept.
  let records = results.map(toRecord);
  if ((opts.names.length > 0 || failed.length > 0) && existsSync(RESULTS_FILE)) {
    let previous = [];
    try {
      previous = JSON.parse(readFileSync(RESULTS_FILE, "utf8"));
      if (!Array.isArray(previous)) throw new Error("not a JSON list");
    } catch (err) {
      console.error(`bench: ignoring unreadable ${RESULTS_FILE}: ${err.message}`);
      previous = [];
    }
    const fresh = new Set(records.map((r) => r.name));
    const merged = previous.map((p) => (fresh.has(p.name) ? records.find((r) => r.name === p.name) : p));
    for (const r of records) if (!previous.some((p) => p.name === r.name)) merged.push(r);
    records = merged;
  }
  if (results.length > 0) {
    writeFileSync(RESULTS_FILE, `${JSON.stringify(records, null, 2)}\n`);
    console.log(`\nWrote ${RESULTS_FILE} (${records.length} entries) and ${MACHINE_FILE}.`);
  }
  if (failed.length > 0) {
    console.error(`\nbench: ${failed.length} benchmark(s) failed: ${failed.join(", ")}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
