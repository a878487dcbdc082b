import type { Finding } from "../model/finding.js";
import type { ChangeCounts, EnvironmentPlan, Plan } from "../planning/types.js";

/** Change counts plus validation counts, for one environment or a whole plan. */
export interface PlanTotals extends ChangeCounts {
  /** Findings of severity "error" plus releases that failed to render. */
  errors: number;
  /** Findings of severity "warning". */
  warnings: number;
}

function countSeverity(findings: readonly Finding[], severity: Finding["severity"]): number {
  return findings.filter((finding) => finding.severity === severity).length;
}

/**
 * Totals for one environment. Change counts come from the planner's `summary` (never recounted here);
 * a release that could not be rendered counts as one error, since it blocks the environment like one.
 */
export function environmentTotals(env: EnvironmentPlan): PlanTotals {
  return {
    create: env.summary.create,
    update: env.summary.update,
    delete: env.summary.delete,
    unchanged: env.summary.unchanged,
    errors: countSeverity(env.findings, "error") + env.releases.filter((r) => r.error !== undefined).length,
    warnings: countSeverity(env.findings, "warning"),
  };
}

/** Totals over every environment of the plan: the one place JSON, Markdown and text reports get them. */
export function planTotals(plan: Plan): PlanTotals {
  const totals: PlanTotals = { create: 0, update: 0, delete: 0, unchanged: 0, errors: 0, warnings: 0 };
  for (const env of plan.environments) {
    const t = environmentTotals(env);
    totals.create += t.create;
    totals.update += t.update;
    totals.delete += t.delete;
    totals.unchanged += t.unchanged;
    totals.errors += t.errors;
    totals.warnings += t.warnings;
  }
  return totals;
}

/** True when the plan would change something in some environment. */
export function hasChanges(totals: ChangeCounts): boolean {
  return totals.create + totals.update + totals.delete > 0;
}

/** "1 error", "2 warnings": count with a correctly pluralised noun. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
