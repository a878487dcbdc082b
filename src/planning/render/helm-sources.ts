import type { Hash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type ChartFiles, remoteDependencies } from "../../charts/chart-dependencies.js";
import { type ChartResolver, chartRecord, type ResolvedChart } from "../../charts/chart-resolver.js";
import { remoteChartOf } from "../../charts/remote-chart.js";
import { resolveRepoPath } from "../../config/resolve-repo-path.js";
import type { ReleaseConfig } from "../../config/schema.js";
import type { ChartRecord } from "../../model/chart-record.js";
import type { RevisionFile, RevisionTree } from "../revision-tree.js";
import { hashEntry } from "./hash-tree.js";

/**
 * What a Helm release renders from besides its repository files: the remote chart it names, or the remote
 * dependencies its chart directory declares, each resolved to a digest and a cached archive.
 */
export interface HelmSources {
  remote?: ResolvedChart;
  dependencies: ResolvedChart[];
  /** For the plan and the revision: the remote chart first, then the dependencies. */
  records: ChartRecord[];
}

export const NO_SOURCES: HelmSources = { dependencies: [], records: [] };

/** The files of a chart directory that tell its remote dependencies (with `charts/`'s listing). */
export const DEPENDENCY_FILES = ["Chart.yaml", "Chart.lock"] as const;

/** Whether a release's chart is pulled from a registry rather than read from the repository. */
export function isRemoteRelease(release: ReleaseConfig): boolean {
  return remoteChartOf(release) !== undefined;
}

/** The sources of a release whose chart lives in a directory tree (a working tree, an extracted archive). */
export async function dirHelmSources(
  treeDir: string,
  release: ReleaseConfig,
  resolver: ChartResolver,
): Promise<HelmSources> {
  const remote = remoteChartOf(release);
  if (remote) return remoteSources(await resolver.resolve(remote));
  // A chart directory that is missing or leaves the repository is reported by the render, as before.
  const chartDir = await resolveRepoPath(treeDir, release.chart ?? "", "chart").catch(() => undefined);
  if (chartDir === undefined) return NO_SOURCES;
  const read = (name: string) => readFile(join(chartDir, name), "utf8").catch(() => undefined);
  const files: ChartFiles = {
    ...optional("chartYaml", await read("Chart.yaml")),
    ...optional("chartLock", await read("Chart.lock")),
    vendored: await readdir(join(chartDir, "charts")).catch(() => []),
  };
  return dependencySources(release, files, resolver);
}

/** The sources of a release in a git revision, from the chart's files as listed (no checkout). */
export async function revisionHelmSources(
  tree: RevisionTree,
  release: ReleaseConfig,
  chartFiles: readonly RevisionFile[],
  chartRel: string,
  resolver: ChartResolver,
): Promise<HelmSources> {
  const remote = remoteChartOf(release);
  if (remote) return remoteSources(await resolver.resolve(remote));
  const at = (name: string) => chartFiles.find((f) => f.rel === `${chartRel}/${name}`);
  const wanted = DEPENDENCY_FILES.map(at);
  const blobs = await tree.read(wanted.filter((f) => f !== undefined).map((f) => f.oid));
  const text = (f: RevisionFile | undefined) => (f ? blobs.get(f.oid)?.toString("utf8") : undefined);
  const prefix = `${chartRel}/charts/`;
  const vendored = new Set(
    chartFiles
      .filter((f) => f.rel.startsWith(prefix))
      .map((f) => f.rel.slice(prefix.length).split("/")[0] as string),
  );
  const files: ChartFiles = {
    ...optional("chartYaml", text(wanted[0])),
    ...optional("chartLock", text(wanted[1])),
    vendored: [...vendored],
  };
  return dependencySources(release, files, resolver);
}

/** Adds what the sources are to a render's cache key: a chart's digest stands for all of its files. */
export function hashSources(hash: Hash, sources: HelmSources): void {
  for (const r of sources.records)
    hashEntry(hash, `chart:${r.dependencyOf ?? ""}:${r.source}:${r.name}:${r.version}`, r.digest);
}

function remoteSources(resolved: ResolvedChart): HelmSources {
  return { remote: resolved, dependencies: [], records: [chartRecord(resolved)] };
}

async function dependencySources(
  release: ReleaseConfig,
  files: ChartFiles,
  resolver: ChartResolver,
): Promise<HelmSources> {
  const chartPath = release.chart ?? "";
  const wanted = remoteDependencies(files, chartPath);
  if (wanted.length === 0) return NO_SOURCES;
  const dependencies = await Promise.all(wanted.map((d) => resolver.resolve(d)));
  return { dependencies, records: dependencies.map((d) => chartRecord(d, chartPath)) };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
