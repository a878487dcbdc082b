import { globMatch } from "../commands/glob-match.js";
import { ZakenakError } from "../errors.js";
import type { ChartRecord } from "../model/chart-record.js";
import { accessFor, type RegistryAccess } from "../registry/registry-access.js";
import { toolPath } from "../tools/tool-path.js";
import { diskChartStore } from "./chart-store.js";
import { pullChart } from "./pull-chart.js";
import { describeChart, type RemoteChart } from "./remote-chart.js";

/** Where pulled charts are kept and how registries are reached: the operator's settings, never a repository's. */
export interface ChartSettings {
  /** The chart cache (`<cache>/charts`). */
  dir: string;
  registries: readonly RegistryAccess[];
  /** The helm binary; default `toolPath("helm")`. */
  helm?: string;
  /** How long one `helm` call of a pull may take; default 60 s. */
  timeoutMs?: number;
  /**
   * The bot's operator list of chart hosts (globs); a chart from any other host is refused before any
   * request. Absent for the CLI, which pulls what its user names.
   */
  allowedHosts?: readonly string[];
}

/** A remote chart with its digest and the archive in the cache that a render reads. */
export interface ResolvedChart {
  chart: RemoteChart;
  digest: string;
  archive: string;
}

/** Resolves remote charts to cached archives, each once per run however many renders ask for it. */
export interface ChartResolver {
  resolve(chart: RemoteChart): Promise<ResolvedChart>;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * A chart already in the cache is used as it is, without asking its registry (offline plans; a version
 * is pulled once, so a plan does not change because someone pushed the same version again). Otherwise it
 * is pulled with the registry's credentials and kept under its digest.
 */
export function createChartResolver(
  settings: ChartSettings,
  slots?: <T>(run: () => Promise<T>) => Promise<T>,
): ChartResolver {
  const store = diskChartStore(settings.dir);
  const known = new Map<string, Promise<ResolvedChart>>();
  const fetch = async (chart: RemoteChart): Promise<ResolvedChart> => {
    const allowed = settings.allowedHosts;
    if (allowed && !allowed.some((glob) => globMatch(glob.toLowerCase(), chart.host.toLowerCase()))) {
      throw new ZakenakError(
        "invalid",
        `${describeChart(chart)}: host ${chart.host} is not an allowed chart source ` +
          "(add it to chartSources or registries in the server configuration)",
      );
    }
    const cached = await store.lookup(chart);
    if (cached) return { chart, digest: cached, archive: store.archivePath(cached) };
    const scratch = await store.scratch();
    try {
      const pulled = await pullChart(chart, accessFor(settings.registries, chart.host), {
        helm: settings.helm ?? toolPath("helm"),
        dir: scratch.dir,
        timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        ...(slots ? { slots } : {}),
      });
      await store.save(chart, pulled.digest, pulled.archive);
      return { chart, digest: pulled.digest, archive: store.archivePath(pulled.digest) };
    } finally {
      await scratch.remove();
    }
  };
  return {
    resolve(chart) {
      const key = `${chart.kind}\0${chart.source}\0${chart.name}\0${chart.version}`;
      let pending = known.get(key);
      if (!pending) {
        pending = fetch(chart);
        known.set(key, pending);
      }
      return pending;
    },
  };
}

/** What plans show and revisions record of a resolved chart. */
export function chartRecord(resolved: ResolvedChart, dependencyOf?: string): ChartRecord {
  const { source, name, version } = resolved.chart;
  return { source, name, version, digest: resolved.digest, ...(dependencyOf ? { dependencyOf } : {}) };
}
