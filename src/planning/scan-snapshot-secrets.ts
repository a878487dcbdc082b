import { DEFAULT_INPUT_LIMITS, type InputLimits } from "../config/input-limits.js";
import type { ZakenakConfig } from "../config/schema.js";
import type { Finding, Severity } from "../model/finding.js";
import { defaultSeverity } from "../validation/rules.js";
import {
  type ChangedText,
  notScanned,
  SECRET_RULE,
  scanChanges,
} from "../validation/secret-scan/scan-changes.js";
import {
  DEFAULT_SECRET_SCAN_POLICY,
  isIgnoredPath,
  type SecretScanPolicy,
} from "../validation/secret-scan/secret-scan-policy.js";
import type { RuleOverrides } from "../validation/validate-objects.js";
import type { Snapshot } from "./open-snapshot.js";
import { blobId, type SnapshotFiles, snapshotFiles } from "./snapshot-files.js";
import type { EnvironmentPlan } from "./types.js";

/** What a plan asks of the secret scan. */
export interface PlanSecretScan {
  head: Snapshot;
  base: Snapshot;
  /** Scan the change at all; default false (`validate` has no change to scan). */
  scanSecrets?: boolean;
  /** The trusted allowlist; default: the head's `policy.secretScan` (the CLI trusts its user). */
  secretScan?: SecretScanPolicy;
  limits?: Pick<InputLimits, "maxFileBytes">;
}

/**
 * The plan's secret scan, started to run beside the renders: no findings when it is not asked for or
 * the validation policy turns `secret-in-change` off. Its failure surfaces where it is awaited.
 */
export function startSecretScan(
  opts: PlanSecretScan,
  config: ZakenakConfig,
  rules: RuleOverrides,
): Promise<Finding[]> {
  const setting = Object.hasOwn(rules, SECRET_RULE) ? rules[SECRET_RULE] : undefined;
  if (!opts.scanSecrets || setting === "off") return Promise.resolve([]);
  const scan = scanSnapshotSecrets(opts.head, opts.base, {
    policy: opts.secretScan ?? config.policy.secretScan ?? DEFAULT_SECRET_SCAN_POLICY,
    severity: setting ?? defaultSeverity(SECRET_RULE),
    limits: opts.limits ?? DEFAULT_INPUT_LIMITS,
  });
  scan.catch(() => {});
  return scan;
}

/**
 * Adds the change's findings to every environment of the plan: a secret pushed to the repository is
 * exposed whichever environment deploys the file, so each one's plan reports it (and fails on errors).
 */
export function addChangeFindings(environments: EnvironmentPlan[], findings: readonly Finding[]): void {
  if (findings.length === 0) return;
  for (const env of environments) {
    env.findings.push(...findings.map((f) => ({ ...f })));
    if (findings.some((f) => f.severity === "error")) env.valid = false;
  }
}

export interface SnapshotSecretScan {
  policy: SecretScanPolicy;
  severity: Severity;
  limits: Pick<InputLimits, "maxFileBytes">;
}

/**
 * Scans the files the head adds or changes against the base for secrets: `secret-in-change` findings,
 * each naming a file and line of the head. Files the change leaves alone, ignored paths and binary
 * files are not scanned; a changed file over the file limit is reported as not scanned.
 */
export async function scanSnapshotSecrets(
  head: Snapshot,
  base: Snapshot,
  opts: SnapshotSecretScan,
): Promise<Finding[]> {
  const [after, before] = await Promise.all([snapshotFiles(head), snapshotFiles(base)]);
  const paths = [...after.files.keys()].filter((p) => !isIgnoredPath(opts.policy, p)).sort();
  const { changed, headContent, baseContent } = await changedPaths(paths, after, before);
  const findings: Finding[] = [];
  const texts: ChangedText[] = [];
  for (const path of changed) {
    const content = headContent.get(path) as Buffer;
    if (content.length > opts.limits.maxFileBytes) {
      findings.push(notScanned(path, content.length, opts.limits.maxFileBytes));
      continue;
    }
    if (isBinary(content)) continue;
    const old = baseContent.get(path);
    texts.push({
      path,
      text: content.toString("utf8"),
      ...(old !== undefined && !isBinary(old) ? { base: old.toString("utf8") } : {}),
    });
  }
  return [...findings, ...(await scanChanges(texts, opts))];
}

/**
 * The paths whose content differs between the snapshots, with both sides' content read once. Blob ids
 * decide where the listings have them (revisions), sizes where they differ (directories); otherwise the
 * content is read and hashed as git would.
 */
async function changedPaths(
  paths: readonly string[],
  after: SnapshotFiles,
  before: SnapshotFiles,
): Promise<{ changed: string[]; headContent: Map<string, Buffer>; baseContent: Map<string, Buffer> }> {
  const changed: string[] = [];
  const undecided: string[] = [];
  for (const path of paths) {
    const a = after.files.get(path);
    const b = before.files.get(path);
    if (!a || !b) changed.push(path);
    else if (a.oid !== undefined && b.oid !== undefined) {
      if (a.oid !== b.oid) changed.push(path);
    } else if (a.size !== undefined && b.size !== undefined && a.size !== b.size) changed.push(path);
    else undecided.push(path);
  }
  const headContent = await after.read([...changed, ...undecided]);
  const baseContent = await before.read(undecided.filter((p) => before.files.get(p)?.oid === undefined));
  const fingerprint = (files: SnapshotFiles, content: Map<string, Buffer>, path: string) =>
    files.files.get(path)?.oid ?? blobId(content.get(path) as Buffer);
  for (const path of undecided) {
    if (fingerprint(after, headContent, path) !== fingerprint(before, baseContent, path)) changed.push(path);
  }
  const missing = changed.filter((p) => before.files.has(p) && !baseContent.has(p));
  for (const [path, content] of await before.read(missing)) baseContent.set(path, content);
  return { changed: changed.sort(), headContent, baseContent };
}

/** Git's test: a NUL byte in the first 8000 bytes. */
function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}
