import { realpath, rm } from "node:fs/promises";
import type { ReleaseConfig, ZakenakConfig } from "../config/schema.js";
import { ZakenakError } from "../errors.js";
import { defaultBase, gitTopLevel } from "../git/git.js";
import type { Finding } from "../model/finding.js";
import type { KubeObject } from "../model/kube-object.js";
import { mapLimit } from "../model/map-limit.js";
import { checkFingerprint, checkObjects, validateObjects } from "../validation/validate-objects.js";
import { diffObjects } from "./diff-objects.js";
import { openTree, type ParsedConfigs, type Tree, treeSource } from "./open-tree.js";
import { inputPaths } from "./render/input-key.js";
import type { RenderCache } from "./render/render-cache.js";
import { type ReleaseRender, type RenderContext, renderRelease } from "./render/render-release.js";
import { defaultProcesses, toolSlots } from "./render/tool-slots.js";
import { createRedactor, type Redact } from "./secret-redactor.js";
import { summarize } from "./summarize-environment.js";
import type { EnvironmentPlan, Plan, ReleasePlan } from "./types.js";

export interface PlanOptions {
  /** Directory holding `.zakenak.yaml` (a git work tree, or inside one). */
  repoDir: string;
  /** Git ref to compare against; default: the merge base with the default branch; null: nothing. */
  base?: string | null;
  /** Git ref to plan; default: the working tree as it is. */
  head?: string;
  /** Limit to these environments; default: all. */
  environments?: string[];
  cache: RenderCache;
  /** Helm and kubectl processes running at once; default: one per core, plus one. */
  concurrency?: number;
  onProgress?: (done: number, total: number, label: string) => void;
}

/** Renders, validates and diffs base against head for every environment: the repository view of a plan. */
export async function planRepository(opts: PlanOptions): Promise<Plan> {
  const temps: string[] = [];
  try {
    const repoDir = await realpath(opts.repoDir).catch(() => {
      throw new ZakenakError("file-missing", `repository directory ${opts.repoDir} does not exist`);
    });
    const top = await gitTopLevel(repoDir);
    const configs: ParsedConfigs = new Map();
    const head = await openTree(repoDir, top, opts.head, temps, true, configs);
    const baseRef =
      opts.base === null ? undefined : (opts.base ?? (top ? await defaultBase(repoDir) : undefined));
    const base = baseRef
      ? await openTree(repoDir, top, baseRef, temps, false, configs)
      : { label: "(nothing)" };
    const config = head.config as ZakenakConfig;
    const envNames = selectEnvironments(config, opts.environments);

    type Job = { tree: Tree; release: ReleaseConfig; env: string; side: "base" | "head" };
    const jobs: Job[] = [];
    for (const env of envNames) {
      for (const release of applicable(config, env)) jobs.push({ tree: head, release, env, side: "head" });
      for (const release of applicable(base.config, env))
        jobs.push({ tree: base, release, env, side: "base" });
    }
    for (const tree of [head, base]) {
      tree.revision?.prefetch(
        jobs.filter((j) => j.tree === tree).flatMap((j) => inputPaths(j.release, j.env)),
      );
    }
    const rules = { rules: config.policy.rules };
    const processes = opts.concurrency ?? defaultProcesses();
    const ctx: RenderContext = {
      cache: opts.cache,
      inflight: new Map(),
      check: { fingerprint: checkFingerprint(rules), run: (objects) => checkObjects(objects, rules) },
      slots: toolSlots(processes),
    };
    let done = 0;
    // More jobs than processes: keys and cache reads of the next renders are ready when a process ends.
    const renders = await mapLimit(jobs, processes * 4, async (job) => {
      const r = await renderRelease(treeSource(job.tree), job.release, job.env, ctx);
      opts.onProgress?.(++done, jobs.length, `${job.release.name} (${job.env})`);
      return r;
    });
    const rendered = new Map(
      jobs.map((j, i) => [`${j.side}/${j.env}/${j.release.name}`, renders[i] as ReleaseRender]),
    );
    const redact = createRedactor(renders.flatMap((r) => r.objects.map((o) => o.object)));

    const environments = envNames.map((env) => planEnvironment(env, config, base, rendered, redact));
    return { base: base.label, head: head.label, view: "repository", environments };
  } finally {
    await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
  }
}

function planEnvironment(
  env: string,
  config: ZakenakConfig,
  base: Tree,
  rendered: Map<string, ReleaseRender>,
  redact: Redact,
): EnvironmentPlan {
  const headReleases = applicable(config, env).map((r) => r.name);
  const names = [...new Set([...headReleases, ...applicable(base.config, env).map((r) => r.name)])];
  const findings: Finding[] = base.warning
    ? [{ rule: "base-config", severity: "warning", file: ".zakenak.yaml", message: base.warning }]
    : [];
  const headObjects = [];
  const checked: Finding[][] = [];
  const rules = { rules: config.policy.rules };
  const releases: ReleasePlan[] = [];
  for (const name of names) {
    const h = rendered.get(`head/${env}/${name}`);
    const b = rendered.get(`base/${env}/${name}`);
    if (h) {
      headObjects.push(...h.objects);
      checked.push(...(h.checked ?? checkObjects(h.objects, rules)));
      findings.push(...h.findings);
    }
    const error = h?.error ?? (b?.error ? `base: ${b.error}` : undefined);
    if (error) {
      releases.push({ release: name, changes: [], unchanged: 0, error: redact(error) });
      continue;
    }
    const { changes, unchanged } = diffObjects(objectsOf(b), objectsOf(h));
    for (const c of changes) c.diff = redact(c.diff);
    releases.push({ release: name, changes, unchanged });
  }
  findings.push(...validateObjects(headObjects, { ...rules, checked }));
  for (const f of findings) f.message = redact(f.message);
  return summarize(env, releases, findings);
}

function selectEnvironments(config: ZakenakConfig, wanted: string[] | undefined): string[] {
  const known = config.environments.map((e) => e.name);
  if (!wanted || wanted.length === 0) return known;
  for (const w of wanted) {
    if (!known.includes(w))
      throw new ZakenakError("usage", `unknown environment "${w}" (known: ${known.join(", ")})`);
  }
  return known.filter((k) => wanted.includes(k));
}

function applicable(config: ZakenakConfig | undefined, env: string): ReleaseConfig[] {
  if (!config?.environments.some((e) => e.name === env)) return [];
  return config.releases.filter((r) => !r.environments || r.environments.includes(env));
}

function objectsOf(r: ReleaseRender | undefined): KubeObject[] {
  return r ? r.objects.map((o) => o.object) : [];
}
