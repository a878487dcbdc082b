import { realpath, rm } from "node:fs/promises";
import type { ChartSettings } from "../charts/chart-resolver.js";
import type { ConfigCache } from "../config/config-cache.js";
import type { InputLimits } from "../config/input-limits.js";
import type { ReleaseConfig, ZakenakConfig } from "../config/schema.js";
import { selectEnvironments } from "../config/select-environments.js";
import { ZakenakError } from "../errors.js";
import { defaultBase, gitTopLevel } from "../git/git.js";
import type { ImageCheckResult } from "../image-check/check-images.js";
import type { Finding } from "../model/finding.js";
import type { KubeObject } from "../model/kube-object.js";
import { mapLimit } from "../model/map-limit.js";
import { secretValues } from "../model/secret-values.js";
import type { ImageResolver, ImageResolverOptions } from "../registry/image-resolver.js";
import { checkObjects, type RuleOverrides, validateObjects } from "../validation/validate-objects.js";
import { diffObjects } from "./diff-objects.js";
import { openSnapshot, ParsedConfigs, type Snapshot, snapshotSource } from "./open-snapshot.js";
import { DEPENDENCY_FILES } from "./render/helm-sources.js";
import { inputPaths, localChartPaths } from "./render/input-key.js";
import type { RenderCache } from "./render/render-cache.js";
import { type ReleaseRender, renderRelease } from "./render/render-release.js";
import { defaultProcesses } from "./render/tool-slots.js";
import {
  type RenderedEnvironment,
  type RenderSettings,
  releasesFor,
  renderContext,
  renderedEnvironment,
} from "./render-environment.js";
import { addChangeFindings, type PlanSecretScan, startSecretScan } from "./scan-snapshot-secrets.js";
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
  /** Valid `.zakenak.yaml` files parsed by earlier runs; default: none, each run parses its configs. */
  configCache?: ConfigCache;
  /** Helm and kubectl processes running at once; default: one per core, plus one. */
  concurrency?: number;
  /** Input refused before parsing and the object size limit; default `DEFAULT_INPUT_LIMITS`. */
  limits?: InputLimits;
  /** The chart cache and the registry credentials; default: the user cache, no credentials. */
  charts?: ChartSettings;
  onProgress?: (done: number, total: number, label: string) => void;
  /** false: count the changes without printing diffs (`validate` shows none). Default true. */
  diffs?: boolean;
  /** Scan the files the head changes against the base for secrets; default false. */
  scanSecrets?: boolean;
  /** Look the head's container images up in their registries (findings and digests); default: no lookups. */
  images?: ImageResolverOptions;
}

/** Renders, validates and diffs base against head for every environment: the repository view of a plan. */
export async function planRepository(opts: PlanOptions): Promise<Plan> {
  const temps: string[] = [];
  try {
    const repoDir = await realpath(opts.repoDir).catch(() => {
      throw new ZakenakError("file-missing", `repository directory ${opts.repoDir} does not exist`);
    });
    const top = await gitTopLevel(repoDir);
    const configs = new ParsedConfigs(opts.configCache);
    // The secret scan lists every file of both revisions: the renders' listings come from the same one.
    const whole = opts.scanSecrets === true;
    const baseRef =
      opts.base === null ? undefined : (opts.base ?? (top ? await defaultBase(repoDir) : undefined));
    // Both open at once: the base's git calls run while the head's config is parsed.
    const [opened, openedBase] = await Promise.allSettled([
      openSnapshot(repoDir, top, opts.head, temps, true, configs, whole),
      baseRef
        ? openSnapshot(repoDir, top, baseRef, temps, false, configs, whole)
        : Promise.resolve<Snapshot>({ label: "(nothing)" }),
    ]);
    // The head's failure comes first, as when the base was opened only after it.
    if (opened.status === "rejected") throw opened.reason;
    if (openedBase.status === "rejected") throw openedBase.reason;
    const [head, base] = [opened.value, openedBase.value];
    return (await planSnapshots({ ...opts, head, base })).plan;
  } finally {
    await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
  }
}

export interface SnapshotPlanOptions extends RenderSettings {
  head: Snapshot;
  base: Snapshot;
  /** Limit to these environments; default: all of the head's. */
  environments?: string[];
  concurrency?: number;
  diffs?: boolean;
  scanSecrets?: boolean;
  /** The secret scan's allowlist (the trusted policy's); default: the head's own. */
  secretScan?: PlanSecretScan["secretScan"];
  images?: ImageResolverOptions;
}

/**
 * The repository view of two opened snapshots, and the head's render of each environment: one render
 * per (snapshot, environment) serves the repository diff here and the cluster diff or apply after it.
 */
export async function planSnapshots(
  opts: SnapshotPlanOptions,
): Promise<{ plan: Plan; heads: Map<string, RenderedEnvironment> }> {
  const { head, base } = opts;
  const config = head.config as ZakenakConfig;
  const envNames = selectEnvironments(
    config.environments.map((e) => e.name),
    opts.environments,
  );
  type Job = { tree: Snapshot; release: ReleaseConfig; env: string; side: "base" | "head" };
  const jobs: Job[] = [];
  for (const env of envNames) {
    for (const release of releasesFor(config, env)) jobs.push({ tree: head, release, env, side: "head" });
    for (const release of releasesFor(base.config, env))
      jobs.push({ tree: base, release, env, side: "base" });
  }
  for (const tree of [head, base]) {
    const own = jobs.filter((j) => j.tree === tree);
    tree.revision?.prefetch(own.flatMap((j) => inputPaths(j.release, j.env)));
    tree.revision?.prefetchFiles(localChartPaths(own.map((j) => j.release)), DEPENDENCY_FILES);
  }
  const rules = { rules: opts.rules ?? config.policy.rules, maxObjectBytes: opts.limits?.maxObjectBytes };
  const processes = opts.concurrency ?? defaultProcesses();
  const secrets = startSecretScan(opts, config, rules.rules);
  const ctx = renderContext(opts, rules, processes);
  let done = 0;
  // The registry client (HTTP, TLS) loads only for plans that look images up.
  const imaging = opts.images ? await loadImageCheck() : undefined;
  const resolver = opts.images && imaging ? imaging.createImageResolver(opts.images) : undefined;
  // More jobs than processes: keys and cache reads of the next renders are ready when a process ends.
  const renders = await mapLimit(jobs, processes * 4, async (job) => {
    const r = await renderRelease(snapshotSource(job.tree), job.release, job.env, ctx);
    // Registry round trips overlap the renders still running, rather than following them all.
    if (resolver && imaging && job.side === "head") imaging.prefetchImages(r.objects, resolver, rules.rules);
    opts.onProgress?.(++done, jobs.length, `${job.release.name} (${job.env})`);
    return r;
  });
  const rendered = new Map(
    jobs.map((j, i) => [`${j.side}/${j.env}/${j.release.name}`, renders[i] as ReleaseRender]),
  );
  const all = renders.flatMap((r) => r.objects.map((o) => o.object));
  const redact = createRedactor(all);
  const known = secretValues(all);
  const images =
    resolver && imaging
      ? await checkEnvironmentImages(envNames, config, rendered, rules, resolver, imaging.checkImages)
      : undefined;
  const environments = envNames.map((env) =>
    planEnvironment(
      env,
      config,
      base,
      rendered,
      redact,
      known,
      rules,
      opts.diffs !== false,
      images?.get(env),
    ),
  );
  addChangeFindings(environments, await secrets);
  const heads = new Map(
    envNames.map((env) => {
      const releases = releasesFor(config, env);
      const own = releases.map((r) => rendered.get(`head/${env}/${r.name}`) as ReleaseRender);
      return [env, renderedEnvironment(env, releases, own, rules, head)] as const;
    }),
  );
  return { plan: { base: base.label, head: head.label, view: "repository", environments }, heads };
}

function planEnvironment(
  env: string,
  config: ZakenakConfig,
  base: Snapshot,
  rendered: Map<string, ReleaseRender>,
  redact: Redact,
  known: ReadonlySet<string>,
  rules: { rules: RuleOverrides },
  text: boolean,
  images: ImageCheckResult | undefined,
): EnvironmentPlan {
  const headReleases = releasesFor(config, env).map((r) => r.name);
  const names = [...new Set([...headReleases, ...releasesFor(base.config, env).map((r) => r.name)])];
  const findings: Finding[] = base.warning
    ? [{ rule: "base-config", severity: "warning", file: ".zakenak.yaml", message: base.warning }]
    : [];
  const headObjects = [];
  const checked: Finding[][] = [];
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
    const { changes, unchanged } = diffObjects(objectsOf(b), objectsOf(h), known, { text });
    for (const c of changes) c.diff = redact(c.diff);
    releases.push({ release: name, changes, unchanged, ...(h?.charts ? { charts: h.charts } : {}) });
  }
  findings.push(...validateObjects(headObjects, { ...rules, checked }));
  if (images) findings.push(...images.findings);
  for (const f of findings) f.message = redact(f.message);
  const plan = summarize(env, releases, findings);
  return images ? { ...plan, images: images.images } : plan;
}

/** One image lookup per distinct image for the whole plan, shared by every environment's check. */
async function checkEnvironmentImages(
  envNames: readonly string[],
  config: ZakenakConfig,
  rendered: Map<string, ReleaseRender>,
  rules: { rules: RuleOverrides },
  resolver: ImageResolver,
  checkImages: ImageCheck["checkImages"],
): Promise<Map<string, ImageCheckResult>> {
  const results = await Promise.all(
    envNames.map((env) => {
      const objects = releasesFor(config, env).flatMap(
        (r) => rendered.get(`head/${env}/${r.name}`)?.objects ?? [],
      );
      return checkImages(objects, env, resolver, rules.rules);
    }),
  );
  return new Map(envNames.map((env, i) => [env, results[i] as ImageCheckResult]));
}

type ImageCheck = Awaited<ReturnType<typeof loadImageCheck>>;

async function loadImageCheck() {
  const [{ checkImages, prefetchImages }, { createImageResolver }] = await Promise.all([
    import("../image-check/check-images.js"),
    import("../registry/image-resolver.js"),
  ]);
  return { checkImages, prefetchImages, createImageResolver };
}

function objectsOf(r: ReleaseRender | undefined): KubeObject[] {
  return r ? r.objects.map((o) => o.object) : [];
}
