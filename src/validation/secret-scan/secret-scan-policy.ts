import { matchesGlob } from "node:path/posix";

/** What the trusted `.zakenak.yaml` (`policy.secretScan`) allows past the scan. */
export interface SecretScanPolicy {
  /** Globs of repository paths whose changes are not scanned (`docs/**`, `test/fixtures/**`). */
  ignorePaths: readonly string[];
  /** Whether `zakenak:allow-secret` on a line (or the line above) allowlists what is found there. */
  inlineMarker: boolean;
}

export const DEFAULT_SECRET_SCAN_POLICY: Readonly<SecretScanPolicy> = Object.freeze({
  ignorePaths: [],
  inlineMarker: true,
});

/** The inline marker, in any comment syntax: `# zakenak:allow-secret`, `// zakenak:allow-secret`. */
export const ALLOW_MARKER = "zakenak:allow-secret";

/** Whether a repository path is exempt from the scan. */
export function isIgnoredPath(policy: SecretScanPolicy, path: string): boolean {
  return policy.ignorePaths.some((glob) => matchesGlob(path, glob));
}
