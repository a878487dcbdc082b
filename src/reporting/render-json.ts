import type { Plan } from "../planning/types.js";
import { environmentTotals, planTotals } from "./plan-totals.js";

/**
 * The plan as JSON, the machine-readable contract. Objects are built field by field so the key order is
 * stable; optional values that the contract always lists (`namespace`, `line`, `object`) are `null` when
 * absent, while `error` is only present on releases that failed to render. Nothing is added beyond the
 * plan except the derived counts in `summary`.
 */
export function renderJson(plan: Plan): string {
  const document = {
    base: plan.base,
    head: plan.head,
    view: plan.view,
    summary: planTotals(plan),
    environments: plan.environments.map((env) => ({
      environment: env.environment,
      valid: env.valid,
      summary: environmentTotals(env),
      releases: env.releases.map((release) => ({
        release: release.release,
        ...(release.error !== undefined ? { error: release.error } : {}),
        changes: release.changes.map((change) => ({
          action: change.action,
          apiVersion: change.apiVersion,
          kind: change.kind,
          namespace: change.namespace ?? null,
          name: change.name,
          diff: change.diff,
        })),
      })),
      findings: env.findings.map((finding) => ({
        rule: finding.rule,
        severity: finding.severity,
        file: finding.file,
        line: finding.line ?? null,
        object: finding.object ?? null,
        message: finding.message,
      })),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
