// The `large-input` benchmark: `zakenak validate` of one ConfigMap of 100,000 keys (80-character values,
// 9 MiB of YAML) against `kubectl apply --dry-run=client -f` of the same file, which parses it once.
// A guard against parsing that grows faster than the input (the YAML parser's own duplicate-key check
// was quadratic in a mapping's size: 87 s for this file).
//
// Generates bench/work/large-input/repo: `.zakenak.yaml` with one environment `dev` and one plain
// manifests release `big` (namespace `apps`), and manifests/big.yaml. The file is larger than the
// default ZAKENAK_MAX_FILE_BYTES (8 MiB), so the measured runs raise that limit to have it parsed; it is
// still reported INVALID (exit 1), by the size rules `data-too-large` and `object-too-large`, which is
// checked after every run. Every zakenak run is a child process as users run it: `node bin/zakenak.js
// validate --repo DIR --format json --no-cache` (the render cache would skip the parsing on a second run).
//
// Baseline: `kubectl apply --dry-run=client -f manifests/big.yaml` against a real kube-apiserver (client
// dry run still asks the server for discovery, the OpenAPI schema it validates with, and the current
// object); one control plane for the whole benchmark, started before and stopped after.
//
// Extra figure in the note: the same `validate` with the default limits, where the file is refused by its
// size before it is read (exit 1, one `input-too-large` render error).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RSS_METHOD, runMeasured } from "./lib/process.mjs";
import { waitForQuiet } from "./lib/quiet.mjs";
import { describeSamples, median } from "./lib/stats.mjs";

export const name = "large-input";
export const description =
  "zakenak validate of a 100,000-key ConfigMap vs kubectl apply --dry-run=client -f of the same file";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WORK = join(ROOT, "bench", "work", "large-input");
const REPO = join(WORK, "repo");
const FILE = join(REPO, "manifests", "big.yaml");
const KEYS = 100_000;
const VALUE_CHARS = 80;
/** Enough for the 9 MiB file; the default (8 MiB) refuses it. */
const RAISED_FILE_LIMIT = 64 * 1024 * 1024;

export async function run({ runs, log }) {
  const { toolPath } = await import(join(ROOT, "dist", "tools", "tool-path.js"));
  const { startControlPlane } = await import(join(ROOT, "dist", "control-plane", "start-control-plane.js"));
  const kubectl = process.env.ZAKENAK_KUBECTL || toolPath("kubectl");
  const node = process.execPath;
  log(`node: ${process.version} (${node}); kubectl: ${kubectl}`);

  const bytes = generateRepository();
  log(`generated ${FILE}: ${KEYS} keys, ${(bytes / 1024 / 1024).toFixed(2)} MiB`);
  const out = join(WORK, "validate.json");
  const env = (cacheDir, extra = {}) => ({
    ...process.env,
    ZAKENAK_CACHE_DIR: cacheDir,
    ZAKENAK_KUBECTL: kubectl,
    NO_COLOR: "1",
    ...extra,
  });
  const validate = async (cacheDir, extra, label) => {
    const r = await runMeasured(
      node,
      [join(ROOT, "bin", "zakenak.js"), "validate", "--repo", REPO, "--format", "json", "--no-cache"],
      { cwd: REPO, env: env(cacheDir, extra), stdoutFile: out, okCodes: [1], label },
    );
    return { ...r, report: JSON.parse(readFileSync(out, "utf8")) };
  };

  const cp = await startControlPlane();
  try {
    const kubectlArgs = ["apply", "--dry-run=client", "-f", FILE, "--kubeconfig", cp.kubeconfigPath];
    const samples = { zakenak: [], kubectl: [], refused: [], rss: [] };
    const noisy = [];
    // Interleaved, alternating which goes first, so drift hits both; iteration 0 is the warm-up.
    for (let i = 0; i <= runs; i++) {
      const tag = i === 0 ? "warm-up" : `run ${i}/${runs}`;
      const cacheDir = join(WORK, `cache-${i}`);
      rmSync(cacheDir, { recursive: true, force: true });
      mkdirSync(cacheDir, { recursive: true });
      const quiet = await waitForQuiet();
      if (!quiet.quiet) noisy.push(tag);
      const zk = () =>
        validate(cacheDir, { ZAKENAK_MAX_FILE_BYTES: String(RAISED_FILE_LIMIT) }, "zakenak validate");
      const kc = () =>
        runMeasured(kubectl, kubectlArgs, { cwd: REPO, label: "kubectl apply --dry-run=client" });
      let z;
      let k;
      if (i % 2 === 0) {
        z = await zk();
        k = await kc();
      } else {
        k = await kc();
        z = await zk();
      }
      checkParsed(z.report);
      const refused = await validate(cacheDir, {}, "zakenak validate (default limits)");
      checkRefused(refused.report);
      rmSync(cacheDir, { recursive: true, force: true });
      log(
        `${tag}: zakenak ${z.ms.toFixed(0)} ms, kubectl ${k.ms.toFixed(0)} ms, refused by default limits in ${refused.ms.toFixed(0)} ms${z.peakRssKB ? `; zakenak peak RSS ${(z.peakRssKB / 1024).toFixed(0)} MB` : ""}`,
      );
      if (i === 0) continue;
      samples.zakenak.push(z.ms);
      samples.kubectl.push(k.ms);
      samples.refused.push(refused.ms);
      if (z.peakRssKB !== undefined) samples.rss.push(z.peakRssKB / 1024);
    }
    const cores = availableParallelism();
    const spread = (xs, unit = "ms") => describeSamples(xs, unit);
    const noisyNote =
      noisy.length > 0
        ? ` Iterations started on a busy machine (waited 3 min for quiet): ${noisy.join(", ")}.`
        : "";
    return [
      {
        name: "large-input",
        value: median(samples.zakenak),
        unit: "ms",
        baseline: "kubectl apply --dry-run=client -f (same file)",
        baselineValue: median(samples.kubectl),
        goal: { maxRatio: 1, context: `on ${cores} cores` },
        note:
          `Wall time of "zakenak validate --format json --no-cache" (exit 1: data-too-large and object-too-large, no YAML finding) ` +
          `on one ConfigMap of ${KEYS} keys with ${VALUE_CHARS}-character values (${(bytes / 1024 / 1024).toFixed(2)} MiB, ` +
          `ZAKENAK_MAX_FILE_BYTES raised to ${RAISED_FILE_LIMIT}) vs kubectl's client-side dry run of the same file against a ` +
          `kube-apiserver v1.36 (discovery, OpenAPI validation, one GET). zakenak ${spread(samples.zakenak)}; kubectl ` +
          `${spread(samples.kubectl)}. With the default limits the file is refused unread: ${spread(samples.refused)}.` +
          `${samples.rss.length > 0 ? ` zakenak peak RSS ${spread(samples.rss, "MB")} (${RSS_METHOD}).` : ""}` +
          ` ${cores} cores; Node ${process.version}.${noisyNote}`,
      },
    ];
  } finally {
    await cp.stop();
  }
}

/** The raised limit let the file through: parsed into one object, refused only by the size rules. */
function checkParsed(report) {
  const [env] = report.environments;
  const rules = env.findings.map((f) => f.rule).sort();
  if (
    env.objects !== 1 ||
    env.renderErrors.length > 0 ||
    rules.join(",") !== "data-too-large,object-too-large"
  ) {
    throw new Error(`unexpected validate report: ${JSON.stringify(report).slice(0, 2000)}`);
  }
}

/** With the default limits the file is not parsed: one render error naming the limit, no objects. */
function checkRefused(report) {
  const [env] = report.environments;
  const [error] = env.renderErrors;
  if (env.objects !== 0 || env.renderErrors.length !== 1 || !error.error.includes("ZAKENAK_MAX_FILE_BYTES")) {
    throw new Error(`the default limits did not refuse the file: ${JSON.stringify(report).slice(0, 2000)}`);
  }
}

/** Writes the repository; returns the manifest's size in bytes. */
function generateRepository() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(dirname(FILE), { recursive: true });
  writeFileSync(
    join(REPO, ".zakenak.yaml"),
    "environments:\n  - name: dev\nreleases:\n  - name: big\n    namespace: apps\n    manifests: manifests\n",
  );
  const value = "v".repeat(VALUE_CHARS);
  const parts = ["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: apps\ndata:\n"];
  for (let i = 0; i < KEYS; i++) parts.push(`  key-${String(i).padStart(6, "0")}: ${value}\n`);
  const text = parts.join("");
  writeFileSync(FILE, text);
  return Buffer.byteLength(text);
}
