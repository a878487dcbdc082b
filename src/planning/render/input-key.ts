import type { Hash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { posix } from "node:path";
import { resolveRepoPath } from "../../config/resolve-repo-path.js";
import type { ReleaseConfig } from "../../config/schema.js";
import { toolPath } from "../../tools/tool-path.js";
import type { RevisionFile, RevisionTree } from "../revision-tree.js";
import { blobId, hashEntry, hashTree, newHash } from "./hash-tree.js";
import { type HelmSources, hashSources, isRemoteRelease, NO_SOURCES } from "./helm-sources.js";
import { hashKustomizeInputs } from "./kustomize-inputs.js";

/** Changes whenever what a key stands for or what a cache entry holds changes. */
const KEY_FORMAT = "v2";

/** Values files for a release in an environment: the release's own, then the environment's overrides. */
export function valuesFor(release: ReleaseConfig, environment: string): string[] {
  return [...(release.values ?? []), ...(release.env?.[environment]?.values ?? [])];
}

/** Paths a release reads in a revision, for `RevisionTree.prefetch`. */
export function inputPaths(release: ReleaseConfig, environment: string): string[] {
  if (release.chart !== undefined) {
    const values = valuesFor(release, environment);
    return isRemoteRelease(release) ? values : [release.chart, ...values];
  }
  return release.manifests !== undefined ? [release.manifests] : [];
}

/** The chart directories of releases read from a revision, for `RevisionTree.prefetchFiles`. */
export function localChartPaths(releases: readonly ReleaseConfig[]): string[] {
  return releases.flatMap((r) => (r.chart !== undefined && !isRemoteRelease(r) ? [r.chart] : []));
}

/**
 * Hash of everything a render of a directory tree reads, or undefined when it reads something outside
 * the repository. The permitted remote bases are part of a Kustomize key, so a render made with a
 * permission is never served to a caller without it. A pulled chart counts by its digest.
 */
export async function treeInputKey(
  treeDir: string,
  release: ReleaseConfig,
  environment: string,
  remoteBases: readonly string[] = [],
  sources: HelmSources = NO_SOURCES,
): Promise<string | undefined> {
  if (release.chart !== undefined) {
    const hash = helmHash(release);
    if (!sources.remote) {
      const chartDir = await resolveRepoPath(treeDir, release.chart, `chart of release ${release.name}`);
      await hashTree(hash, chartDir, treeDir, treeDir);
    }
    hashSources(hash, sources);
    for (const v of valuesFor(release, environment)) {
      const file = await resolveRepoPath(
        treeDir,
        v,
        `values file of release ${release.name} (environment ${environment})`,
      );
      hashEntry(hash, v, blobId(await readFile(file)));
    }
    return hash.digest("hex");
  }
  const hash = newHash(
    "kustomize",
    KEY_FORMAT,
    toolPath("kubectl"),
    release.name,
    release.namespace ?? "",
    release.kustomize ?? "",
    JSON.stringify(remoteBases),
  );
  const dir = await resolveRepoPath(
    treeDir,
    release.kustomize ?? "",
    `kustomize overlay of release ${release.name}`,
  );
  return (await hashKustomizeInputs(hash, dir, treeDir)) ? hash.digest("hex") : undefined;
}

/**
 * The cache key of a Helm release in a revision, from blob ids alone (nothing is written), and the
 * files a render needs. Undefined when only a checkout can tell what helm would read: a symlink or
 * submodule in the chart, a path that is missing, not a directory (chart) or not a file (values).
 * `sources` gives the remote chart or dependencies from the chart's listed files.
 */
export async function revisionHelmInputs(
  tree: RevisionTree,
  release: ReleaseConfig,
  environment: string,
  sourcesOf: (chart: RevisionFile[], chartRel: string) => Promise<HelmSources>,
): Promise<{ key: string; files: RevisionFile[]; sources: HelmSources } | undefined> {
  const hash = helmHash(release);
  let chart: RevisionFile[] = [];
  let sources: HelmSources;
  if (isRemoteRelease(release)) {
    sources = await sourcesOf([], "");
  } else {
    const chartPath = release.chart ?? "";
    const listed = await tree.files(chartPath);
    const root = normal(chartPath);
    if (!listed || listed.length === 0 || listed.some((f) => !isRegular(f) || f.rel === root))
      return undefined;
    chart = listed;
    for (const f of [...chart].sort(byRel)) hashEntry(hash, f.rel, f.oid);
    sources = await sourcesOf(chart, root);
  }
  hashSources(hash, sources);
  const values: RevisionFile[] = [];
  for (const v of valuesFor(release, environment)) {
    const [file, ...more] = (await tree.files(v)) ?? [];
    if (!file || more.length > 0 || !isRegular(file) || file.rel !== normal(v)) return undefined;
    hashEntry(hash, v, file.oid);
    values.push(file);
  }
  return { key: hash.digest("hex"), files: [...chart, ...values], sources };
}

/**
 * A plain file: not a symlink (`120000`), whose target only a checkout can check, nor a submodule; and a
 * name that survived decoding (a name that is not UTF-8 could not be handed back to git).
 */
export function isRegular(f: RevisionFile): boolean {
  return (f.mode === "100644" || f.mode === "100755") && !f.path.includes("\uFFFD");
}

/** A repository path as git lists it: no `./`, doubled or trailing slashes. */
export function normal(path: string): string {
  return posix.normalize(path).replace(/\/+$/, "");
}

/** Orders like sorting full paths under one directory, as `hashTree` does. */
export function byRel(a: RevisionFile, b: RevisionFile): number {
  return a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0;
}

function helmHash(release: ReleaseConfig): Hash {
  // The chart path as written: rendered objects name their templates by it.
  return newHash(
    "helm",
    KEY_FORMAT,
    toolPath("helm"),
    release.name,
    release.namespace ?? "",
    release.chart ?? "",
  );
}
