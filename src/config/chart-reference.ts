/**
 * What a release's `chart`, `repo` and `version` may hold. A remote chart is pinned to one exact version:
 * a range would make the same commit plan differently as new versions appear.
 */

const EXACT_VERSION =
  /^v?\d+\.\d+\.\d+(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** `1.2.3`, `v1.2.3`, `1.2.3-rc.1`, `1.2.3+build.5`: one SemVer version, no range. */
export function isExactVersion(version: string): boolean {
  return EXACT_VERSION.test(version);
}

/** Why a version is refused, or undefined when it is exact. */
export function versionProblem(version: string): string | undefined {
  if (isExactVersion(version)) return undefined;
  const range = /[\^~<>=*|, ]|(^|\.)[xX](\.|$)|^\d+(\.\d+)?$/.test(version);
  return `${JSON.stringify(version)} is ${range ? "a version range" : "not a SemVer version"}; a remote chart needs an exact version such as "1.2.3", so that a plan can be reproduced`;
}

/** `oci://HOST[:PORT]/PATH/NAME`: a chart in an OCI registry. */
const OCI_REFERENCE =
  /^oci:\/\/[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;

export function isOciReference(chart: string): boolean {
  return chart.startsWith("oci://");
}

/** Why an `oci://` reference is refused, or undefined when it is well formed. */
export function ociReferenceProblem(chart: string): string | undefined {
  if (OCI_REFERENCE.test(chart)) return undefined;
  if (/[:@][^/]*$/.test(chart.slice("oci://".length).replace(/^[^/]*/, ""))) {
    return "must not carry a tag or digest: give the version in version:";
  }
  return "must be oci://HOST/PATH/NAME (lowercase path, no tag)";
}

/** A chart's name in a Helm repository's index. */
export const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A Helm repository URL: http(s), no credentials in it. */
export function repositoryUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be an http:// or https:// URL";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    return "must be an http:// or https:// URL";
  if (parsed.username || parsed.password) {
    return "must not hold credentials: the operator configures them for the host (registries in the server configuration)";
  }
  if (parsed.search || parsed.hash) return "must not have a query or fragment";
  return undefined;
}
