/** Harbor's vulnerability severities, lowest first, as its scan overview names them. */
export const HARBOR_SEVERITIES = [
  "None",
  "Unknown",
  "Negligible",
  "Low",
  "Medium",
  "High",
  "Critical",
] as const;
export type HarborSeverity = (typeof HARBOR_SEVERITIES)[number];

/** What one environment accepts of a Harbor artifact. */
export interface HarborPolicy {
  /** The highest vulnerability severity allowed; a worse one is an `image-vulnerabilities` finding. */
  maxSeverity?: HarborSeverity;
  /** An artifact without a cosign or notation signature is an `image-unsigned` finding. */
  requireSignature?: boolean;
}

export interface HarborAccess {
  /** Harbor's base URL (its API is under `/api/v2.0`). */
  url: string;
  /** Policies by environment name; `*` applies to environments not named. */
  policy: Record<string, HarborPolicy>;
}

/** How to reach one registry: resolved credentials, trusted CA certificates and the scheme. */
export interface RegistryAccess {
  /** The registry as image references name it: `ghcr.io`, `harbor.example.com`, `127.0.0.1:5000`. */
  host: string;
  username?: string;
  password?: string;
  /** PEM certificates trusted for this registry (and its token service) besides the usual ones. */
  ca?: string;
  /** Talk plain HTTP (a local registry), as `helm --plain-http`. */
  plainHttp?: boolean;
  harbor?: HarborAccess;
}

const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

function hostKey(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? "docker.io" : lower;
}

/** The configured access for an image's registry; Docker Hub's several names count as one. */
export function accessFor(registries: readonly RegistryAccess[], registry: string): RegistryAccess {
  const key = hostKey(registry);
  return registries.find((r) => hostKey(r.host) === key) ?? { host: registry };
}

export function hasCredentials(access: RegistryAccess): boolean {
  return access.username !== undefined && access.password !== undefined;
}
