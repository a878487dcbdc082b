import type { Plan } from "../planning/types.js";
import { environmentTotals, planTotals } from "./plan-totals.js";

/**
 * The plan as JSON, the machine-readable contract. Objects are built field by field so the key order is
 * stable; optional values that the contract always lists (`namespace`, `line`, `object`, and `images` when
 * the image check did not run) are `null` when absent, while `error` is only present on releases that failed to render. Nothing is added beyond the
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
        ...(release.charts
          ? {
              charts: release.charts.map((chart) => ({
                source: chart.source,
                name: chart.name,
                version: chart.version,
                digest: chart.digest,
                dependencyOf: chart.dependencyOf ?? null,
              })),
            }
          : {}),
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
      images:
        env.images?.map((image) => ({
          image: image.image,
          registry: image.registry,
          repository: image.repository,
          digest: image.digest,
          status: image.status,
        })) ?? null,
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
