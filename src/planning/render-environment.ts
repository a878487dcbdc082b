import { realpath, rm } from "node:fs/promises";
import { type ChartSettings, createChartResolver } from "../charts/chart-resolver.js";
import type { InputLimits } from "../config/input-limits.js";
import type { ReleaseConfig, ZakenakConfig } from "../config/schema.js";
import { selectEnvironments } from "../config/select-environments.js";
import { ZakenakError } from "../errors.js";
import { gitTopLevel } from "../git/git.js";
import type { DeployedChart } from "../model/chart-record.js";
import type { Finding } from "../model/finding.js";
import type { RenderedObject } from "../model/kube-object.js";
import { mapLimit } from "../model/map-limit.js";
import { runProcess } from "../tools/run-process.js";
import {
  checkFingerprint,
  checkObjects,
  type RuleOverrides,
  validateObjects,
} from "../validation/validate-objects.js";
import { openSnapshot, type Snapshot, snapshotSource } from "./open-snapshot.js";
import { DEPENDENCY_FILES } from "./render/helm-sources.js";
import { inputPaths, localChartPaths } from "./render/input-key.js";
import type { RenderCache } from "./render/render-cache.js";
import { type ReleaseRender, type RenderContext, renderRelease } from "./render/render-release.js";
import { defaultProcesses, toolSlots } from "./render/tool-slots.js";
import { createRedactor } from "./secret-redactor.js";

export interface RenderedEnvironment {
  environment: { name: string };
  objects: RenderedObject[];
  findings: Finding[];
  /** Releases that failed to render, by name, with the (masked) reason. */
  failed: Map<string, string>;
  /** The charts pulled for the releases, with their digests: what the revision records. */
  charts: DeployedChart[];
  /** Commit rendered (for the working tree: HEAD), when in a git repository. */
  sha?: string;
  ref: string;
}

/** What a render takes beyond the snapshot: the trusted settings and the shared cache. */
export interface RenderSettings {
  cache: RenderCache;
  /** The validation policy; default: the snapshot's own (the CLI, whose user is trusted). */
  rules?: RuleOverrides;
  /** URL prefixes Kustomize may fetch remote bases from (the operator's); default: none. */
  remoteBases?: readonly string[];
  /** Input refused before parsing and the object size limit (the operator's); default `DEFAULT_INPUT_LIMITS`. */
  limits?: InputLimits;
  /** The chart cache and the operator's registry credentials; default: the user cache, no credentials. */
  charts?: ChartSettings;
  onProgress?: (done: number, total: number, label: string) => void;
}

/** Renders and validates one environment's desired state at a revision (or the working tree). */
export async function renderEnvironment(
  opts: RenderSettings & { repoDir: string; ref?: string; environment: string },
): Promise<RenderedEnvironment> {
  const temps: string[] = [];
  try {
    const repoDir = await realpath(opts.repoDir).catch(() => {
      throw new ZakenakError("file-missing", `repository directory ${opts.repoDir} does not exist`);
    });
    const top = await gitTopLevel(repoDir);
    const snapshot = await openSnapshot(repoDir, top, opts.ref, temps, true);
    snapshot.sha ??= top ? await headSha(repoDir) : undefined;
    const rendered = await renderSnapshot(snapshot, opts.environment, opts);
    return { ...rendered, ref: opts.ref ?? "working tree" };
  } finally {
    await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
  }
}

/**
 * Renders one environment of an opened snapshot. The snapshot supplies what is deployed (its releases);
 * the validation policy comes from `settings` when the caller has a trusted one.
 */
export async function renderSnapshot(
  snapshot: Snapshot,
  environment: string,
  settings: RenderSettings,
): Promise<RenderedEnvironment> {
  const config = snapshot.config;
  selectEnvironments(config?.environments.map((e) => e.name) ?? [], [environment]);
  const releases = releasesFor(config, environment);
  snapshot.revision?.prefetch(releases.flatMap((r) => inputPaths(r, environment)));
  snapshot.revision?.prefetchFiles(localChartPaths(releases), DEPENDENCY_FILES);
  const rules = {
    rules: settings.rules ?? config?.policy.rules ?? {},
    maxObjectBytes: settings.limits?.maxObjectBytes,
  };
  const ctx = renderContext(settings, rules, defaultProcesses());
  let done = 0;
  const renders = await mapLimit(releases, defaultProcesses() * 4, async (r) => {
    const out = await renderRelease(snapshotSource(snapshot), r, environment, ctx);
    settings.onProgress?.(++done, releases.length, `${r.name} (${environment})`);
    return out;
  });
  return renderedEnvironment(environment, releases, renders, rules, snapshot);
}

/** The releases of a config that deploy to an environment. */
export function releasesFor(config: ZakenakConfig | undefined, env: string): ReleaseConfig[] {
  if (!config?.environments.some((e) => e.name === env)) return [];
  return config.releases.filter((r) => !r.environments || r.environments.includes(env));
}

/** One run's render context: shared in-flight renders, the cache, per-object checks and tool slots. */
export function renderContext(
  settings: Pick<RenderSettings, "cache" | "remoteBases" | "limits" | "charts">,
  rules: { rules: RuleOverrides },
  processes: number,
): RenderContext {
  const slots = toolSlots(processes);
  return {
    cache: settings.cache,
    inflight: new Map(),
    check: { fingerprint: checkFingerprint(rules), run: (objects) => checkObjects(objects, rules) },
    slots,
    ...(settings.charts ? { charts: createChartResolver(settings.charts, slots) } : {}),
    ...(settings.remoteBases ? { remoteBases: settings.remoteBases } : {}),
    ...(settings.limits ? { limits: settings.limits } : {}),
  };
}

/** An environment's renders as one validated result, every text masked with the render's own Secrets. */
export function renderedEnvironment(
  environment: string,
  releases: readonly ReleaseConfig[],
  renders: readonly ReleaseRender[],
  rules: { rules: RuleOverrides },
  snapshot: Pick<Snapshot, "sha" | "label">,
): RenderedEnvironment {
  const rendered = renders.flatMap((r) => r.objects);
  const redact = createRedactor(rendered.map((o) => o.object));
  const findings = [
    ...renders.flatMap((r) => r.findings),
    ...validateObjects(rendered, {
      ...rules,
      checked: renders.flatMap((r) => r.checked ?? checkObjects(r.objects, rules)),
    }),
  ];
  const failed = new Map<string, string>();
  const charts: DeployedChart[] = [];
  renders.forEach((r, i) => {
    const release = (releases[i] as { name: string }).name;
    if (r.error) failed.set(release, redact(r.error));
    for (const c of r.charts ?? []) charts.push({ release, ...c });
  });
  return {
    environment: { name: environment },
    objects: rendered,
    findings: findings.map((f) => ({ ...f, message: redact(f.message) })),
    failed,
    charts,
    ...(snapshot.sha ? { sha: snapshot.sha } : {}),
    ref: snapshot.label,
  };
}

async function headSha(repoDir: string): Promise<string | undefined> {
  const res = await runProcess("git", ["-C", repoDir, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  return res.code === 0 ? res.stdout.trim() : undefined;
}

/** Throws unless the render is complete and valid: nothing half-rendered or invalid reaches a cluster. */
export function assertDeployable(r: RenderedEnvironment): void {
  const problems = [
    ...r.failed.values(),
    ...r.findings
      .filter((f) => f.severity === "error")
      .map(
        (f) =>
          `${f.file}${f.line ? `:${f.line}` : ""}: [${f.rule}] ${f.object ? `${f.object}: ` : ""}${f.message}`,
      ),
  ];
  if (problems.length > 0) {
    throw new ZakenakError(
      "render-failed",
      `environment ${r.environment.name} is not valid, nothing was applied:\n  ${problems.join("\n  ")}`,
    );
  }
}
