import { readFile } from "node:fs/promises";
import { resolveRepoPath } from "../../config/resolve-repo-path.js";
import type { ReleaseConfig } from "../../config/schema.js";
import { isZakenakError } from "../../errors.js";
import { toolPath } from "../../tools/tool-path.js";
import type { Finding, RenderedObject } from "../types.js";
import { hashTree, newHash } from "./hash-tree.js";
import { hashKustomizeInputs } from "./kustomize-inputs.js";
import { readManifests } from "./read-manifests.js";
import type { RenderCache } from "./render-cache.js";
import { renderHelm } from "./render-helm.js";
import { renderKustomize } from "./render-kustomize.js";

export interface ReleaseRender {
  objects: RenderedObject[];
  findings: Finding[];
  /** Why the release could not be rendered; its objects are then unknown, not empty. */
  error?: string;
  cached: boolean;
}

export interface RenderContext {
  cache: RenderCache;
  /** Renders in flight or done in this run, by input hash, so equal inputs render once. */
  inflight: Map<string, Promise<ReleaseRender>>;
}

/** Values files for a release in an environment: the release's own, then the environment's overrides. */
export function valuesFor(release: ReleaseConfig, environment: string): string[] {
  return [...(release.values ?? []), ...(release.env?.[environment]?.values ?? [])];
}

/** Renders one release for one environment from a repository tree, reusing earlier renders of equal inputs. */
export async function renderRelease(
  treeDir: string,
  release: ReleaseConfig,
  environment: string,
  ctx: RenderContext,
): Promise<ReleaseRender> {
  try {
    if (release.manifests !== undefined) {
      const dir = await resolveRepoPath(treeDir, release.manifests, `manifests of release ${release.name}`);
      const read = await readManifests({ release: release.name, dir, repoRoot: treeDir, ...ns(release) });
      return { ...read, cached: false };
    }
    const key = await inputKey(treeDir, release, environment);
    if (key === undefined) return { ...(await renderUncached(treeDir, release, environment)), cached: false };
    let pending = ctx.inflight.get(key);
    if (!pending) {
      pending = (async () => {
        const hit = await ctx.cache.get(key);
        if (hit) return { ...hit, cached: true };
        const fresh = await renderUncached(treeDir, release, environment);
        await ctx.cache.put(key, fresh);
        return { ...fresh, cached: false };
      })();
      ctx.inflight.set(key, pending);
    }
    return await pending;
  } catch (err) {
    if (!isZakenakError(err)) throw err;
    return { objects: [], findings: [], error: err.message, cached: false };
  }
}

async function renderUncached(treeDir: string, release: ReleaseConfig, environment: string) {
  if (release.chart !== undefined) {
    const chartDir = await resolveRepoPath(treeDir, release.chart, `chart of release ${release.name}`);
    const valuesFiles = await Promise.all(
      valuesFor(release, environment).map((v) =>
        resolveRepoPath(treeDir, v, `values file of release ${release.name} (environment ${environment})`),
      ),
    );
    return renderHelm({
      release: release.name,
      chartPath: release.chart,
      chartDir,
      valuesFiles,
      environment,
      ...ns(release),
    });
  }
  const path = release.kustomize ?? "";
  const dir = await resolveRepoPath(treeDir, path, `kustomize overlay of release ${release.name}`);
  return renderKustomize({ release: release.name, path, dir, environment, ...ns(release) });
}

/** Hash of everything a render reads, or undefined when it reads something outside the repository. */
async function inputKey(
  treeDir: string,
  release: ReleaseConfig,
  environment: string,
): Promise<string | undefined> {
  if (release.chart !== undefined) {
    const hash = newHash("helm", toolPath("helm"), release.name, release.namespace ?? "");
    const chartDir = await resolveRepoPath(treeDir, release.chart, `chart of release ${release.name}`);
    await hashTree(hash, chartDir, treeDir, treeDir);
    for (const v of valuesFor(release, environment)) {
      const file = await resolveRepoPath(
        treeDir,
        v,
        `values file of release ${release.name} (environment ${environment})`,
      );
      hash.update(v);
      hash.update("\0");
      hash.update(await readFile(file));
    }
    return hash.digest("hex");
  }
  const hash = newHash(
    "kustomize",
    toolPath("kubectl"),
    release.name,
    release.namespace ?? "",
    release.kustomize ?? "",
  );
  const dir = await resolveRepoPath(
    treeDir,
    release.kustomize ?? "",
    `kustomize overlay of release ${release.name}`,
  );
  return (await hashKustomizeInputs(hash, dir, treeDir)) ? hash.digest("hex") : undefined;
}

function ns(release: ReleaseConfig): { namespace?: string } {
  return release.namespace ? { namespace: release.namespace } : {};
}
