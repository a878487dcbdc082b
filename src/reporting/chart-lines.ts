import type { ChartRecord } from "../model/chart-record.js";
import type { EnvironmentPlan } from "../planning/types.js";

/** One pulled chart of a release, as it was rendered: what it is, where from, and its digest. */
export interface ChartLine {
  release: string;
  chart: ChartRecord;
}

/** The pulled charts of an environment's releases, in release order. */
export function chartLines(env: EnvironmentPlan): ChartLine[] {
  return env.releases.flatMap((r) => (r.charts ?? []).map((chart) => ({ release: r.release, chart })));
}

/** `oci://host/charts/demo 1.2.3`, or `demo 1.2.3 from https://charts.example.com/`. */
export function chartName(chart: ChartRecord): string {
  return chart.source.startsWith("oci://")
    ? `${chart.source} ${chart.version}`
    : `${chart.name} ${chart.version} from ${chart.source}`;
}
