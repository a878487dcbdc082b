import type { HarborSeverity } from "../registry-access.js";

/** What Zakenak reads of a Harbor artifact: its latest scan summary and whether it is signed. */
export interface HarborArtifactSummary {
  /** Absent when the artifact was never scanned (or the scanner has no report for it). */
  scan?: {
    /** Harbor's job status: `Success`, `Running`, `Pending`, `Error`, `Stopped`… */
    status: string;
    /** The worst severity found; `None` when nothing was found. */
    severity?: HarborSeverity;
    /** Vulnerabilities per severity, e.g. `{ Critical: 1, High: 4 }`. */
    counts: Record<string, number>;
  };
  /** Signature accessories, by type (`signature.cosign`, `signature.notation`). */
  signatures: string[];
}

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

const RANK: Record<string, number> = {
  None: 0,
  Unknown: 0,
  Negligible: 1,
  Low: 2,
  Medium: 3,
  High: 4,
  Critical: 5,
};

/** Harbor's own ranking: None and Unknown alike, and a severity it does not know above Critical. */
export function severityRank(severity: string): number {
  return Object.hasOwn(RANK, severity) ? (RANK[severity] as number) : 99;
}

/** The parts of Harbor's `Artifact` (with `with_scan_overview` and `with_accessory`) that policies use. */
export function summarizeArtifact(body: unknown): HarborArtifactSummary {
  const artifact = isRecord(body) ? body : {};
  const overview = isRecord(artifact.scan_overview) ? artifact.scan_overview : {};
  // One entry per report MIME type; Harbor fills the first accepted type it has a report for.
  const report = Object.values(overview).find(isRecord);
  const accessories = Array.isArray(artifact.accessories) ? artifact.accessories.filter(isRecord) : [];
  const signatures = accessories
    .map((a) => a.type)
    .filter((t): t is string => typeof t === "string" && t.startsWith("signature."));
  const summary: HarborArtifactSummary = { signatures };
  if (report) {
    const counts: Record<string, number> = {};
    const vulns = isRecord(report.summary) && isRecord(report.summary.summary) ? report.summary.summary : {};
    for (const [severity, n] of Object.entries(vulns))
      if (typeof n === "number" && n > 0) counts[severity] = n;
    const severity = typeof report.severity === "string" ? report.severity : undefined;
    summary.scan = {
      status: typeof report.scan_status === "string" ? report.scan_status : "Unknown",
      ...(severity ? { severity: severity as HarborSeverity } : {}),
      counts,
    };
  }
  return summary;
}
