import type { Finding } from "../model/finding.js";
import type { EnvironmentPlan, ReleasePlan } from "./types.js";

/** An environment's plan from its releases and findings: counts, and valid unless something failed. */
export function summarize(
  environment: string,
  releases: ReleasePlan[],
  findings: Finding[],
): EnvironmentPlan {
  const summary = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const r of releases) {
    summary.unchanged += r.unchanged;
    for (const c of r.changes) summary[c.action]++;
  }
  const valid = !releases.some((r) => r.error) && !findings.some((f) => f.severity === "error");
  return { environment, releases, summary, findings, valid };
}
