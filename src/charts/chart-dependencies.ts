import { isExactVersion } from "../config/chart-reference.js";
import { parsePlainYaml } from "../config/plain-yaml.js";
import { yamlLibrary } from "../config/yaml-library.js";
import { ZakenakError } from "../errors.js";
import { ociChart, type RemoteChart, repositoryChart } from "./remote-chart.js";

/** What of a chart directory tells which dependencies it needs: its Chart.yaml, Chart.lock and charts/. */
export interface ChartFiles {
  chartYaml?: string;
  chartLock?: string;
  /** Names of the entries directly under `charts/` (archives and directories). */
  vendored: readonly string[];
}

interface Dependency {
  name?: unknown;
  version?: unknown;
  repository?: unknown;
}

/**
 * The dependencies of a chart that must be pulled: those from an `oci://` or `http(s)://` repository that
 * `charts/` does not already hold. Each is pinned to one version, its own if exact, else the one
 * Chart.lock records; a range with no lock is an error, as for a release's own chart. Dependencies from
 * `file://` or a named repository are left to helm.
 */
export function remoteDependencies(files: ChartFiles, chartLabel: string): RemoteChart[] {
  if (files.chartYaml === undefined) return [];
  const deps = dependenciesOf(files.chartYaml, `${chartLabel}/Chart.yaml`);
  const locked =
    files.chartLock === undefined ? [] : dependenciesOf(files.chartLock, `${chartLabel}/Chart.lock`);
  const wanted: RemoteChart[] = [];
  for (const dep of deps) {
    const name = typeof dep.name === "string" ? dep.name : undefined;
    const repository = typeof dep.repository === "string" ? dep.repository.replace(/\/+$/, "") : "";
    if (!name || !/^(oci|https?):\/\//.test(repository) || isVendored(files.vendored, name)) continue;
    const version = pinnedVersion(dep, locked, name, repository);
    if (version === undefined) {
      throw new ZakenakError(
        "render-failed",
        `${chartLabel}/Chart.yaml: dependency ${name} has version ${JSON.stringify(dep.version ?? "")}, and Chart.lock pins no exact version for it: give an exact version (e.g. "1.2.3") or commit Chart.lock (helm dependency update)`,
      );
    }
    wanted.push(
      repository.startsWith("oci://")
        ? ociChart(`${repository}/${name}`, version)
        : repositoryChart(`${repository}/`, name, version),
    );
  }
  return wanted;
}

/** Parsed dependency lists by text: a plan reads each chart's Chart.yaml at its base and at its head. */
const parsed = new Map<string, readonly Dependency[]>();
/** Texts kept at most, so a long-lived worker does not keep every chart it ever planned. */
const MAX_PARSED = 256;

function dependenciesOf(text: string, file: string): readonly Dependency[] {
  const known = parsed.get(text);
  if (known) return known;
  const deps = parseDependencies(text, file);
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(text, deps);
  return deps;
}

function parseDependencies(text: string, file: string): readonly Dependency[] {
  let doc: unknown;
  try {
    // Nearly every Chart.yaml is plain YAML, read by the fast reader; anything else by the full parser.
    const plain = parsePlainYaml(text);
    doc = plain?.length === 1 ? (plain[0]?.data ?? null) : yamlLibrary().parse(text, { maxAliasCount: 100 });
  } catch (cause) {
    throw new ZakenakError("render-failed", `${file}: not valid YAML: ${(cause as Error).message}`, {
      cause,
    });
  }
  const deps = (doc as { dependencies?: unknown } | null)?.dependencies;
  return Object.freeze(
    Array.isArray(deps)
      ? deps.filter((d): d is Dependency => typeof d === "object" && d !== null).map((d) => Object.freeze(d))
      : [],
  );
}

function pinnedVersion(
  dep: Dependency,
  locked: readonly Dependency[],
  name: string,
  repository: string,
): string | undefined {
  if (typeof dep.version === "string" && isExactVersion(dep.version)) return dep.version;
  const lock = locked.find(
    (l) =>
      l.name === name && typeof l.repository === "string" && l.repository.replace(/\/+$/, "") === repository,
  );
  return typeof lock?.version === "string" && isExactVersion(lock.version) ? lock.version : undefined;
}

/** `charts/NAME-1.2.3.tgz` or `charts/NAME/`: helm finds the dependency there and needs nothing pulled. */
function isVendored(entries: readonly string[], name: string): boolean {
  return entries.some(
    (e) =>
      e === name ||
      (e.startsWith(`${name}-`) && /^v?\d/.test(e.slice(name.length + 1)) && e.endsWith(".tgz")),
  );
}
