// The `plan` benchmark: `zakenak plan` of a 40-release repository against hand-written `helm template`.
//
// Generates bench/work/plan/repo: 40 releases, each with its own chart made by `helm create` and its own
// values file, in one environment `dev`; two commits, the second changing the values of 5 releases (a
// realistic pull request). Measures, as a user runs it (`node bin/zakenak.js plan --repo DIR --base HEAD~1
// --format json`, exit code 2 = changes):
//   plan-cold      with an empty render cache (a fresh ZAKENAK_CACHE_DIR per run)
//   plan-warm      the same again with the cache that the cold run filled
//   plan-peak-rss  peak RSS of the zakenak process in the cold runs
// Baseline for the times: `helm template` of each of the 40 releases one after another from a bash loop,
// as hand-written deploy scripts do; for memory: one `helm template` run.
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RSS_METHOD, runMeasured, runSetup } from "./lib/process.mjs";
import { describeSamples, median } from "./lib/stats.mjs";

export const name = "plan";
export const description =
  "zakenak plan of 40 Helm releases (5 changed), cold and warm render cache, vs a helm template loop";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WORK = join(ROOT, "bench", "work", "plan");
const REPO = join(WORK, "repo");
const RELEASES = Array.from({ length: 40 }, (_, i) => `svc-${String(i + 1).padStart(2, "0")}`);
/** Releases whose values the head commit changes. */
const CHANGED = ["svc-03", "svc-11", "svc-19", "svc-27", "svc-35"];
/** Distinct renders a cold plan needs: every head release plus the base side of the changed ones. */
const EXPECTED_RENDERS = RELEASES.length + CHANGED.length;
/**
 * Zakenak runs helm with GOGC=400 (fewer collections during Go's start-up); the baseline loop and the
 * single helm run get the same value, so the ratio compares the work and not the garbage collector.
 */
const GOGC = "400";

export async function run({ runs, log }) {
  const { toolPath } = await import(join(ROOT, "dist", "tools", "tool-path.js"));
  const helm = toolPath("helm");
  const kubectl = toolPath("kubectl");
  const node = process.execPath;
  log(`node: ${process.version} (${node})`);
  log(`helm: ${runSetup(helm, ["version", "--short"]).trim()} (${helm})`);
  log(`cores: ${availableParallelism()} available; peak RSS via ${RSS_METHOD}`);
  const { renderServicePath } = await import(
    join(ROOT, "dist", "planning", "render", "render-service-path.js")
  );
  const service = renderServicePath();
  // Zakenak renders on its render service when it is built (scripts/build-render-service.sh), as it does
  // by default; without it, on the helm binary, and the figures say so.
  const renderer = service ? "service" : "binary";
  log(
    `zakenak renders with: ${service ? `the render service (${service})` : "the helm binary (render service not built)"}`,
  );

  const t0 = Date.now();
  generateRepository(helm);
  log(
    `generated ${REPO}: ${RELEASES.length} releases, head changes ${CHANGED.join(", ")} (${Date.now() - t0} ms)`,
  );
  const baselineScript = writeBaselineScript();
  const outDir = join(WORK, "out");

  const zakenakArgs = [
    join(ROOT, "bin", "zakenak.js"),
    "plan",
    "--repo",
    REPO,
    "--base",
    "HEAD~1",
    "--format",
    "json",
  ];
  const planOut = join(WORK, "plan.json");
  const childEnv = (cacheDir) => ({
    ...process.env,
    ZAKENAK_CACHE_DIR: cacheDir,
    ZAKENAK_HELM: helm,
    ZAKENAK_KUBECTL: kubectl,
    NO_COLOR: "1",
    // The baseline renders only; registry lookups (their time is the registry's) are left out of both.
    ZAKENAK_IMAGE_CHECK: "off",
    ZAKENAK_HELM_RENDERER: renderer,
    // The per-run cache directory holds no build of the service: point at the one found above.
    ...(service ? { ZAKENAK_RENDER_SERVICE: service } : {}),
    GOGC,
  });
  const plan = async (cacheDir, label) => {
    const r = await runMeasured(node, zakenakArgs, {
      cwd: REPO,
      env: childEnv(cacheDir),
      stdoutFile: planOut,
      okCodes: [2],
      label: `zakenak plan (${label})`,
    });
    checkPlan(planOut, label);
    return r;
  };
  const baseline = async () => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    return runMeasured("bash", [baselineScript, helm, outDir], {
      cwd: REPO,
      env: { ...process.env, GOGC },
      label: "baseline helm template loop",
    });
  };
  const helmOnce = () =>
    runMeasured(
      helm,
      [
        "template",
        "svc-01",
        "charts/svc-01",
        "--include-crds",
        "--skip-tests",
        "--namespace",
        "svc-01",
        "--values",
        "values/svc-01.yaml",
      ],
      {
        cwd: REPO,
        env: { ...process.env, HELM_NO_PLUGINS: "1", GOGC },
        label: "single helm template",
      },
    );

  const samples = { baseline: [], cold: [], warm: [], coldRss: [], warmRss: [], helmRss: [] };
  // Interleaved so that drift (thermal, noisy neighbours) hits baseline and zakenak alike; iteration 0 is the warm-up.
  for (let i = 0; i <= runs; i++) {
    const tag = i === 0 ? "warm-up" : `run ${i}/${runs}`;
    const cacheDir = join(WORK, `cache-${i}`);
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    const b = await baseline();
    const c = await plan(cacheDir, "cold");
    const renders = renderFiles(cacheDir);
    if (renders.size !== EXPECTED_RENDERS) {
      throw new Error(`cold plan left ${renders.size} renders in the cache, expected ${EXPECTED_RENDERS}`);
    }
    const w = await plan(cacheDir, "warm");
    const after = renderFiles(cacheDir);
    const rewritten = [...after].filter(([f, ino]) => renders.get(f) !== ino).length;
    if (rewritten > 0) throw new Error(`warm plan rendered again: ${rewritten} cache files were rewritten`);
    const h = await helmOnce();
    rmSync(cacheDir, { recursive: true, force: true });
    log(
      `${tag}: baseline ${b.ms.toFixed(0)} ms, cold ${c.ms.toFixed(0)} ms, warm ${w.ms.toFixed(0)} ms; peak RSS cold ${mb(c.peakRssKB)} MB, warm ${mb(w.peakRssKB)} MB, one helm template ${mb(h.peakRssKB)} MB`,
    );
    if (i === 0) continue;
    samples.baseline.push(b.ms);
    samples.cold.push(c.ms);
    samples.warm.push(w.ms);
    if (c.peakRssKB !== undefined) samples.coldRss.push(c.peakRssKB / 1024);
    if (w.peakRssKB !== undefined) samples.warmRss.push(w.peakRssKB / 1024);
    if (h.peakRssKB !== undefined) samples.helmRss.push(h.peakRssKB / 1024);
  }

  const prRenders = await pullRequestRenders(helm, log);
  const serviceFigures = service ? await measureRenderService(service, log) : undefined;
  const rendererNote = serviceFigures
    ? ` Zakenak renders on its render service (Helm library, one process per plan, GOGC=${GOGC} like the loop): ${serviceFigures.text}.`
    : " Zakenak rendered with the helm binary: the render service is not built (scripts/build-render-service.sh).";

  const cores = availableParallelism();
  const coreNote = cores === 2 ? "" : ` This machine has ${cores} cores, so the verdict is indicative only.`;
  const baselineName = "helm template ×40, sequential bash loop";
  const spread = (xs, unit = "ms") => describeSamples(xs, unit);
  const results = [
    {
      name: "plan-cold",
      value: median(samples.cold),
      unit: "ms",
      baseline: baselineName,
      baselineValue: median(samples.baseline),
      goal: { maxRatio: 0.25, context: `on 2 cores${coreNote ? ` (ran on ${cores})` : ""}` },
      note: `Wall time of "zakenak plan --base HEAD~1 --format json" (exit 2) on 40 releases with 5 changed, empty render cache (${EXPECTED_RENDERS} helm renders, ${cores} cores). zakenak ${spread(samples.cold)}; baseline ${spread(samples.baseline)}. Both run Go at GOGC=${GOGC}.${rendererNote} Node ${process.version}.${coreNote}`,
    },
    {
      name: "plan-warm",
      value: median(samples.warm),
      unit: "ms",
      baseline: baselineName,
      baselineValue: median(samples.baseline),
      goal: { maxRatio: 0.12, context: `on 2 cores${coreNote ? ` (ran on ${cores})` : ""}` },
      note: `Same plan again with the render cache filled by the cold run (no helm runs). zakenak ${spread(samples.warm)}.${coreNote}`,
    },
  ];
  results.push({
    name: "plan-pr-renders",
    value: prRenders,
    unit: "renders",
    baseline: "distinct (revision, release) pairs of the pull request",
    baselineValue: EXPECTED_RENDERS,
    goal: { maxRatio: 1 },
    note: `helm runs of the bot's pull-request plan (base and head from their archives, no render cache), whose head renders also feed the cluster view (planSnapshots hands them to it; it renders nothing itself). ${EXPECTED_RENDERS} = 40 head releases + 5 changed at the base; unchanged charts are shared between base and head. Rendering the head again for the cluster view would add 40.`,
  });
  if (samples.coldRss.length > 0 && samples.helmRss.length > 0) {
    const helmPeak = median(samples.helmRss);
    const coldPeak = median(samples.coldRss);
    const whose =
      RSS_METHOD === "gnu-time"
        ? coldPeak > Math.max(...samples.helmRss) * 1.05
          ? " GNU time reports the largest single process of the tree; that is above any helm peak, so it is the node process itself."
          : " GNU time reports the largest single process of the tree, and this is close to helm's own peak: it may be a helm child, not node."
        : "";
    results.push({
      name: "plan-peak-rss",
      value: coldPeak,
      unit: "MB",
      baseline: "one helm template run",
      baselineValue: helmPeak,
      note: `Peak resident memory of the zakenak process during the cold plan (${spread(samples.coldRss, "MB")}; warm plan ${spread(samples.warmRss, "MB")}), against one helm template process (${spread(samples.helmRss, "MB")}). Not like for like: zakenak holds all ${EXPECTED_RENDERS} renders, the diff and validation in one process, while the bash loop never has more than one helm process alive; the ratio says how many helm processes' worth of memory the plan needs.${whose} Measured with ${RSS_METHOD}.`,
    });
  }
  return results;
}

/**
 * The bot's path for a pull request: base and head opened once from exported trees (as from the host's
 * archives), planned with no render cache; returns how many times helm ran.
 */
async function pullRequestRenders(helm, log) {
  const dist = (p) => import(join(ROOT, "dist", p));
  const { directorySnapshot } = await dist("planning/open-snapshot.js");
  const { planSnapshots } = await dist("planning/plan-repository.js");
  const { noRenderCache } = await dist("planning/render/render-cache.js");
  const counter = join(WORK, "helm-runs.log");
  const wrapper = join(WORK, "helm-counting.sh");
  rmSync(counter, { force: true });
  writeFileSync(wrapper, `#!/bin/sh\necho run >> '${counter}'\nexec '${helm}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  const trees = {};
  for (const [side, rev] of [
    ["base", "HEAD~1"],
    ["head", "HEAD"],
  ]) {
    const dir = join(WORK, `pr-${side}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    runSetup("bash", ["-c", `git -C '${REPO}' archive ${rev} | tar -x -C '${dir}'`]);
    trees[side] = await directorySnapshot(dir, rev, rev, side === "head");
  }
  const before = { helm: process.env.ZAKENAK_HELM };
  process.env.ZAKENAK_HELM = wrapper;
  try {
    const { plan, heads } = await planSnapshots({ head: trees.head, base: trees.base, cache: noRenderCache });
    if (heads.size !== plan.environments.length)
      throw new Error("the plan handed no render to the cluster view");
  } finally {
    if (before.helm === undefined) delete process.env.ZAKENAK_HELM;
    else process.env.ZAKENAK_HELM = before.helm;
  }
  const runs = readFileSync(counter, "utf8").split("\n").filter(Boolean).length;
  log(`pull-request plan: ${runs} helm runs for ${EXPECTED_RENDERS} distinct renders`);
  return runs;
}

/**
 * The render service on its own, at the plan's GOGC: start-up to its first answer (a process start plus a
 * first render), a steady render, and its peak memory after rendering all 40 charts (VmHWM).
 */
async function measureRenderService(binary, log) {
  const { RenderServiceClient } = await import(
    join(ROOT, "dist", "planning", "render", "render-service-client.js")
  );
  const client = new RenderServiceClient(binary, { ...process.env, GOGC, HELM_NO_PLUGINS: "1" });
  const request = (r) => ({
    releaseName: r,
    chartDir: join(REPO, "charts", r),
    valuesFiles: [join(REPO, "values", `${r}.yaml`)],
    namespace: r,
    includeCrds: true,
    skipTests: true,
  });
  try {
    let t = performance.now();
    await client.render(request(RELEASES[0]));
    const firstMs = performance.now() - t;
    t = performance.now();
    await client.render(request(RELEASES[1]));
    const steadyMs = performance.now() - t;
    t = performance.now();
    await Promise.all(RELEASES.map((r) => client.render(request(r))));
    const allMs = performance.now() - t;
    const status = readFileSync(`/proc/${client.pid}/status`, "utf8");
    const hwmKB = Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1]);
    const text = `start and first render ${firstMs.toFixed(0)} ms, then ${steadyMs.toFixed(1)} ms per chart, all 40 charts ${allMs.toFixed(0)} ms, peak RSS ${mb(hwmKB)} MB`;
    log(`render service: ${text}`);
    return { text };
  } finally {
    await client.close();
  }
}

function mb(kb) {
  return kb === undefined ? "?" : (kb / 1024).toFixed(1);
}

/** Cache files (name → inode) in the render cache of a cold/warm run. */
function renderFiles(cacheDir) {
  const dir = join(cacheDir, "renders");
  const files = new Map();
  for (const f of readdirSync(dir)) if (f.endsWith(".json")) files.set(f, statSync(join(dir, f)).ino);
  return files;
}

/** The plan must be the one we set up: valid, 40 releases, exactly the 5 changed ones updated, no errors. */
function checkPlan(file, label) {
  const plan = JSON.parse(readFileSync(file, "utf8"));
  const env = plan.environments?.[0];
  const problems = [];
  if (plan.environments?.length !== 1 || env.environment !== "dev")
    problems.push("expected one environment dev");
  else {
    if (!env.valid)
      problems.push(
        `environment not valid: ${JSON.stringify(env.findings.filter((f) => f.severity === "error"))}`,
      );
    if (env.releases.length !== RELEASES.length)
      problems.push(`${env.releases.length} releases, expected ${RELEASES.length}`);
    const errors = env.releases.filter((r) => r.error);
    if (errors.length)
      problems.push(`render errors: ${errors.map((r) => `${r.release}: ${r.error}`).join("; ")}`);
    const changed = env.releases.filter((r) => r.changes.length > 0).map((r) => r.release);
    if (changed.join() !== CHANGED.join())
      problems.push(`changed releases ${changed.join(", ")}, expected ${CHANGED.join(", ")}`);
  }
  if (problems.length)
    throw new Error(`zakenak plan (${label}) gave an unexpected plan:\n  ${problems.join("\n  ")}`);
}

function valuesFor(release, index, head) {
  const bumped = head && CHANGED.includes(release);
  const replicas = (index % 3) + 1 + (bumped ? 1 : 0);
  const tag = `1.27.${index % 5}${bumped ? "-r1" : ""}`;
  return `# Values for ${release} in dev.
replicaCount: ${replicas}
image:
  repository: nginx
  tag: "${tag}"
podLabels:
  team: team-${(index % 4) + 1}
service:
  port: ${8080 + (index % 3)}
resources:
  requests:
    cpu: ${50 + (index % 4) * 25}m
    memory: ${64 + (index % 3) * 32}Mi
  limits:
    cpu: ${200 + (index % 4) * 100}m
    memory: ${128 + (index % 3) * 64}Mi
`;
}

function generateRepository(helm) {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(REPO, "charts"), { recursive: true });
  mkdirSync(join(REPO, "values"), { recursive: true });
  // Each release gets its own chart, as `helm create <name>` makes it.
  for (const r of RELEASES)
    runSetup(helm, ["create", join(REPO, "charts", r)], { env: { ...process.env, HELM_NO_PLUGINS: "1" } });
  const config = [
    "environments:",
    "  - name: dev",
    "    branch: develop",
    "releases:",
    ...RELEASES.flatMap((r) => [
      `  - name: ${r}`,
      `    namespace: ${r}`,
      `    chart: charts/${r}`,
      "    values:",
      `      - values/${r}.yaml`,
    ]),
    "",
  ].join("\n");
  writeFileSync(join(REPO, ".zakenak.yaml"), config);
  const writeValues = (head) => {
    for (const [i, r] of RELEASES.entries())
      writeFileSync(join(REPO, "values", `${r}.yaml`), valuesFor(r, i, head));
  };
  writeValues(false);
  const git = (...args) =>
    runSetup(
      "git",
      [
        "-c",
        "user.name=Zakenak Bench",
        "-c",
        "user.email=bench@example.invalid",
        "-c",
        "commit.gpgsign=false",
        "-c",
        "core.hooksPath=/dev/null",
        ...args,
      ],
      {
        cwd: REPO,
        env: {
          ...process.env,
          GIT_AUTHOR_DATE: "2025-01-01T00:00:00Z",
          GIT_COMMITTER_DATE: "2025-01-01T00:00:00Z",
        },
      },
    );
  git("init", "-q", "-b", "develop");
  git("add", "-A");
  git("commit", "-q", "-m", "40 releases");
  writeValues(true);
  git("commit", "-q", "-a", "-m", `Bump ${CHANGED.join(", ")}`);
}

/** The baseline: the loop a hand-written deploy script runs, writing each render to a file. */
function writeBaselineScript() {
  const file = join(WORK, "baseline.sh");
  writeFileSync(
    file,
    `#!/usr/bin/env bash
# Baseline for the plan benchmark: render every release with helm template, one after another.
# Usage: baseline.sh HELM OUTDIR   (run from the generated repository)
set -euo pipefail
HELM="$1"
OUT="$2"
export HELM_NO_PLUGINS=1
for r in ${RELEASES.join(" ")}; do
  "$HELM" template "$r" "charts/$r" --include-crds --skip-tests --namespace "$r" --values "values/$r.yaml" > "$OUT/$r.yaml"
done
`,
  );
  chmodSync(file, 0o755);
  return file;
}
