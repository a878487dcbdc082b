import { isOciReference } from "../config/chart-reference.js";

/** A chart to pull: from an OCI registry (`oci://HOST/PATH/NAME`) or from a Helm repository's index. */
export interface RemoteChart {
  kind: "oci" | "repository";
  /** `oci://HOST/PATH/NAME`, or the repository URL. */
  source: string;
  name: string;
  version: string;
  /** The registry host (`HOST[:PORT]`) the operator's credentials are looked up by. */
  host: string;
}

/** The remote chart a release names, or undefined for a chart directory in the repository. */
export function remoteChartOf(release: {
  chart?: string | undefined;
  repo?: string | undefined;
  version?: string | undefined;
}): RemoteChart | undefined {
  const { chart, repo, version } = release;
  if (chart === undefined || version === undefined) return undefined;
  if (isOciReference(chart)) return ociChart(chart, version);
  return repo !== undefined ? repositoryChart(repo, chart, version) : undefined;
}

export function ociChart(reference: string, version: string): RemoteChart {
  const path = reference.slice("oci://".length);
  return {
    kind: "oci",
    source: reference,
    name: path.slice(path.lastIndexOf("/") + 1),
    version,
    host: path.slice(0, path.indexOf("/")),
  };
}

export function repositoryChart(url: string, name: string, version: string): RemoteChart {
  return { kind: "repository", source: url, name, version, host: new URL(url).host };
}

/** `oci://127.0.0.1:5000/charts/demo 1.2.3`, `demo 1.2.3 from https://charts.example.com/`: for messages. */
export function describeChart(chart: RemoteChart): string {
  return chart.kind === "oci"
    ? `${chart.source} ${chart.version}`
    : `${chart.name} ${chart.version} from ${chart.source}`;
}
