import { join } from "node:path";
import { type ChartResolver, createChartResolver } from "../../charts/chart-resolver.js";
import { vendorDependencies } from "../../charts/vendor-dependencies.js";
import type { InputLimits } from "../../config/input-limits.js";
import { resolveRepoPath } from "../../config/resolve-repo-path.js";
import type { ReleaseConfig } from "../../config/schema.js";
import { isZakenakError, ZakenakError } from "../../errors.js";
import type { ChartRecord } from "../../model/chart-record.js";
import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";
import { cacheRoot } from "../../tools/cache-root.js";
import type { RevisionTree } from "../revision-tree.js";
import { newHash } from "./hash-tree.js";
import { dirHelmSources, type HelmSources, NO_SOURCES, revisionHelmSources } from "./helm-sources.js";
import { revisionHelmInputs, treeInputKey, valuesFor } from "./input-key.js";
import type { ParsedManifests } from "./parse-manifests.js";
import { parseManifestTexts, readManifestTexts } from "./read-manifests.js";
import type { CachedRender, RenderCache } from "./render-cache.js";
import { renderHelm } from "./render-helm.js";
import { renderKustomize } from "./render-kustomize.js";
import { readRevisionManifests } from "./revision-manifests.js";
import type { ToolSlots } from "./tool-slots.js";

export { valuesFor };

export interface ReleaseRender {
  objects: RenderedObject[];
  findings: Finding[];
  /** Why the release could not be rendered; its objects are then unknown, not empty. */
  error?: string;
  cached: boolean;
  /** Per-object validation findings (`RenderContext.check`), one list per object, when known. */
  checked?: Finding[][];
  /** The charts pulled for the render (the release's remote chart, its chart's dependencies), by digest. */
  charts?: ChartRecord[];
}

/** Per-object validation to run on fresh renders and keep with them in the cache. */
export interface ObjectCheck {
  /** What the findings depend on besides the objects (rules switched on, schema version). */
  fingerprint: string;
  run(objects: RenderedObject[]): Finding[][];
}

export interface RenderContext {
  cache: RenderCache;
  /** Renders in flight or done in this run, by input hash, so equal inputs render once. */
  inflight: Map<string, Promise<ReleaseRender>>;
  check?: ObjectCheck;
  /** Limits the helm and kubectl processes running at once; default: no limit. */
  slots?: ToolSlots;
  /** URL prefixes a kustomize remote base may start with; default: none, every remote base is refused. */
  remoteBases?: readonly string[];
  /** Input refused before parsing (files, rendered YAML); default `DEFAULT_INPUT_LIMITS`. */
  limits?: InputLimits;
  /** Pulls remote charts into the chart cache; default: the user cache, with no registry credentials. */
  charts?: ChartResolver;
}

/** The working tree (a directory) or a git revision. */
export type TreeSource = string | RevisionTree;

/** Renders one release for one environment from a repository tree, reusing earlier renders of equal inputs. */
export async function renderRelease(
  tree: TreeSource,
  release: ReleaseConfig,
  environment: string,
  ctx: RenderContext,
): Promise<ReleaseRender> {
  try {
    if (typeof tree !== "string") return await renderRevision(tree, release, environment, ctx);
    if (release.manifests !== undefined) {
      const dir = await resolveRepoPath(tree, release.manifests, `manifests of release ${release.name}`);
      const texts = await readManifestTexts({
        release: release.name,
        dir,
        repoRoot: tree,
        limits: ctx.limits,
      });
      // Parsing and validating hundreds of files costs more than reading them: reuse both when the
      // texts are the same as last time.
      const hash = newHash("manifests", release.name, release.namespace ?? "");
      for (const t of texts) hash.update(`${t.file}\0${t.text}\0`);
      return await cachedRender(
        hash.digest("hex"),
        async () => parseManifestTexts(texts, { release: release.name, ...ns(release) }),
        ctx,
      );
    }
    const sources =
      release.chart !== undefined
        ? await namedSources(release, () => dirHelmSources(tree, release, resolverOf(ctx)))
        : NO_SOURCES;
    const key = await treeInputKey(tree, release, environment, ctx.remoteBases, sources);
    const render = () => renderUncached(tree, release, environment, ctx, sources);
    const out =
      key === undefined ? { ...(await render()), cached: false } : await cachedRender(key, render, ctx);
    return withCharts(out, sources);
  } catch (err) {
    if (!isZakenakError(err)) throw err;
    return { objects: [], findings: [], error: err.message, cached: false };
  }
}

/**
 * A revision is read through git: Helm renders are keyed by blob ids and only a cache miss writes the
 * chart and values files out. Kustomize, and anything only a checkout can judge (symlinks, missing
 * paths), renders from the whole revision written out, exactly as from a checkout.
 */
async function renderRevision(
  tree: RevisionTree,
  release: ReleaseConfig,
  environment: string,
  ctx: RenderContext,
): Promise<ReleaseRender> {
  if (release.manifests !== undefined) {
    const path = release.manifests;
    const read = await readRevisionManifests(tree, {
      release: release.name,
      path,
      ...ns(release),
      limits: ctx.limits,
    });
    if (read) return { ...read, cached: false };
  } else if (release.chart !== undefined) {
    const inputs = await revisionHelmInputs(tree, release, environment, (files, rel) =>
      namedSources(release, () => revisionHelmSources(tree, release, files, rel, resolverOf(ctx))),
    );
    if (inputs) {
      const render = async () =>
        renderUncached(await tree.materialize(inputs.files), release, environment, ctx, inputs.sources);
      return withCharts(await cachedRender(inputs.key, render, ctx), inputs.sources);
    }
  }
  return renderRelease(await tree.checkout(), release, environment, ctx);
}

async function cachedRender(
  key: string,
  render: () => Promise<ParsedManifests>,
  ctx: RenderContext,
): Promise<ReleaseRender> {
  let pending = ctx.inflight.get(key);
  if (!pending) {
    pending = (async () => {
      const hit = await ctx.cache.get(key);
      if (hit) return { ...(await checkedHit(key, hit, ctx)), cached: true };
      const fresh = await render();
      const checked = ctx.check?.run(fresh.objects);
      const fingerprint = ctx.check?.fingerprint ?? "";
      await ctx.cache.put(key, checked ? { ...fresh, checked: { [fingerprint]: checked } } : fresh);
      return {
        objects: fresh.objects,
        findings: fresh.findings,
        ...(checked ? { checked } : {}),
        cached: false,
      };
    })();
    ctx.inflight.set(key, pending);
  }
  return await pending;
}

/** A cache hit with its per-object findings; ones the entry lacks are computed and added to it. */
async function checkedHit(key: string, hit: CachedRender, ctx: RenderContext) {
  const { objects, findings } = hit;
  if (!ctx.check) return { objects, findings };
  const known = hit.checked?.[ctx.check.fingerprint];
  if (known && known.length === objects.length) return { objects, findings, checked: known };
  const checked = ctx.check.run(objects);
  await ctx.cache.put(key, { ...hit, checked: { ...hit.checked, [ctx.check.fingerprint]: checked } });
  return { objects, findings, checked };
}

async function renderUncached(
  treeDir: string,
  release: ReleaseConfig,
  environment: string,
  { slots, remoteBases, limits }: Pick<RenderContext, "slots" | "remoteBases" | "limits">,
  sources: HelmSources = NO_SOURCES,
) {
  if (release.chart !== undefined) {
    const valuesFiles = await Promise.all(
      valuesFor(release, environment).map((v) =>
        resolveRepoPath(treeDir, v, `values file of release ${release.name} (environment ${environment})`),
      ),
    );
    const helm = (chartPath: string, chartDir: string) =>
      renderHelm(
        {
          release: release.name,
          chartPath,
          chartDir,
          valuesFiles,
          environment,
          maxRenderBytes: limits?.maxRenderBytes,
          ...ns(release),
        },
        slots,
      );
    // helm template reads a pulled chart straight from its archive in the cache.
    if (sources.remote) return helm(chartLabel(sources.remote.chart), sources.remote.archive);
    const chartDir = await resolveRepoPath(treeDir, release.chart, `chart of release ${release.name}`);
    if (sources.dependencies.length === 0) return helm(release.chart, chartDir);
    const copy = await vendorDependencies(chartDir, sources.dependencies);
    try {
      return await helm(release.chart, copy.dir);
    } finally {
      await copy.remove();
    }
  }
  const path = release.kustomize ?? "";
  const dir = await resolveRepoPath(treeDir, path, `kustomize overlay of release ${release.name}`);
  return renderKustomize(
    {
      release: release.name,
      path,
      dir,
      repoRoot: treeDir,
      environment,
      remoteBases,
      maxRenderBytes: limits?.maxRenderBytes,
      ...ns(release),
    },
    slots,
  );
}

/** The chart's resolver: the run's, or one on the user cache with no credentials (callers that set none). */
function resolverOf(ctx: RenderContext): ChartResolver {
  ctx.charts ??= createChartResolver({ dir: join(cacheRoot(), "charts"), registries: [] }, ctx.slots);
  return ctx.charts;
}

/** A chart that cannot be pulled fails its release, and says which. */
async function namedSources(
  release: ReleaseConfig,
  resolve: () => Promise<HelmSources>,
): Promise<HelmSources> {
  try {
    return await resolve();
  } catch (err) {
    if (!isZakenakError(err)) throw err;
    throw new ZakenakError(err.code, `release ${release.name}: ${err.message}`, { cause: err });
  }
}

function withCharts(render: ReleaseRender, sources: HelmSources): ReleaseRender {
  return sources.records.length > 0 ? { ...render, charts: sources.records } : render;
}

/** How templates of a pulled chart are named in findings: `oci://host/charts/demo/templates/x.yaml`. */
function chartLabel(chart: { kind: string; source: string; name: string }): string {
  return chart.kind === "oci" ? chart.source : `${chart.source.replace(/\/+$/, "")}/${chart.name}`;
}

function ns(release: ReleaseConfig): { namespace?: string } {
  return release.namespace ? { namespace: release.namespace } : {};
}
