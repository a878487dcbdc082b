import type { Finding, Severity } from "../../model/finding.js";
import { formatBytes } from "../../model/format-bytes.js";
import { addedLines } from "./added-lines.js";
import { scanText } from "./scan-text.js";
import type { SecretHit } from "./secret-hit.js";
import { ALLOW_MARKER, type SecretScanPolicy } from "./secret-scan-policy.js";

export const SECRET_RULE = "secret-in-change";

/** A text file the change adds or modifies, with its content before the change (none: a new file). */
export interface ChangedText {
  /** Repository path, `/`-separated. */
  path: string;
  text: string;
  base?: string;
}

export interface SecretScanOptions {
  policy: SecretScanPolicy;
  severity: Severity;
}

/**
 * `secret-in-change` findings for the changed files: a secret is reported when a line it covers is new in
 * the change, so a secret the base already had is not blamed on it. Findings name the file, the line
 * and the kind of secret, never the value.
 */
export async function scanChanges(
  files: readonly ChangedText[],
  opts: SecretScanOptions,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const file of files) {
    const hits = await scanText(file.path, file.text);
    if (hits.length === 0) continue;
    const added = addedLines(file.base, file.text);
    const lines = file.text.split(/\r?\n/);
    for (const hit of hits) {
      if (!isNew(hit, added) || (opts.policy.inlineMarker && isMarked(hit, lines))) continue;
      findings.push({
        rule: SECRET_RULE,
        severity: opts.severity,
        file: file.path,
        line: hit.line,
        message: `${hit.what}: rotate it and take it out of the change (the value is not shown)`,
      });
    }
  }
  return findings;
}

/** A changed file too large to scan: reported, since it could hide anything. */
export function notScanned(path: string, bytes: number, limit: number): Finding {
  return {
    rule: SECRET_RULE,
    severity: "warning",
    file: path,
    message: `not scanned for secrets: ${formatBytes(bytes)}, over the ${formatBytes(limit)} file limit (ZAKENAK_MAX_FILE_BYTES)`,
  };
}

function isNew(hit: SecretHit, added: ReadonlySet<number>): boolean {
  for (let line = hit.line; line <= hit.endLine; line++) if (added.has(line)) return true;
  return false;
}

/** The marker on the line where the secret starts, or on the line above (a comment before a block). */
function isMarked(hit: SecretHit, lines: readonly string[]): boolean {
  return [hit.line - 1, hit.line].some((n) => lines[n - 1]?.includes(ALLOW_MARKER) === true);
}
