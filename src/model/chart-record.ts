/** A chart pulled from an OCI registry or a Helm repository, as plans show it and revisions record it. */
export interface ChartRecord {
  /** `oci://HOST/PATH/NAME`, or the Helm repository's URL. */
  source: string;
  name: string;
  version: string;
  /** `sha256:…`: the OCI manifest's digest, or the archive's for a Helm repository. */
  digest: string;
  /** For a dependency: the chart that declares it (its path in the repository, or its source). */
  dependencyOf?: string;
}

/** A chart as an environment deployed it: which release it served. */
export interface DeployedChart extends ChartRecord {
  release: string;
}
