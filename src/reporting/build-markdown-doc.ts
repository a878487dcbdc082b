import type { Finding } from "../model/finding.js";
import type { EnvironmentPlan, ObjectChange, Plan, ReleasePlan } from "../planning/types.js";
import { chartLines, chartName } from "./chart-lines.js";
import { codeBlock, escapeHtml, escapeMarkdown, inlineCode } from "./markdown-escape.js";
import { environmentTotals, hasChanges, type PlanTotals, planTotals, plural } from "./plan-totals.js";
import type { FindingsBlock, MarkdownDoc, ReleaseSection } from "./serialize-markdown.js";

/** Render errors longer than this are shortened: a comment is no place for a full Helm stack trace. */
const MAX_ERROR_CHARS = 4_000;

const SEVERITY_ORDER: Record<Finding["severity"], number> = { error: 0, warning: 1, info: 2 };
const SEVERITY_ICON: Record<Finding["severity"], string> = { error: "❌", warning: "⚠️", info: "ℹ️" };

function validation(totals: PlanTotals, valid: boolean): string {
  const warnings = totals.warnings > 0 ? `, ⚠️ ${plural(totals.warnings, "warning")}` : "";
  if (totals.errors > 0) return `❌ ${plural(totals.errors, "error")}${warnings}`;
  return `${valid ? "✅ valid" : "❌ invalid"}${warnings}`;
}

function summaryTable(plan: Plan): string {
  const row = (name: string, t: PlanTotals, valid: boolean) =>
    `| ${name} | ${t.create} | ${t.update} | ${t.delete} | ${t.unchanged} | ${validation(t, valid)} |`;
  const rows = [
    "| Environment | Create | Change | Delete | Unchanged | Validation |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
    ...plan.environments.map((env) =>
      row(escapeMarkdown(env.environment), environmentTotals(env), env.valid),
    ),
  ];
  if (plan.environments.length > 1) {
    rows.push(
      row(
        "**Total**",
        planTotals(plan),
        plan.environments.every((env) => env.valid),
      ),
    );
  }
  return rows.join("\n");
}

function head(plan: Plan, marker: string | undefined): string[] {
  const blocks: string[] = [];
  if (marker !== undefined) blocks.push(marker);
  const view = plan.view === "cluster" ? "live cluster vs. dry run" : "repository renders";
  blocks.push("## Zakenak plan", `Comparing ${inlineCode(plan.base)} → ${inlineCode(plan.head)} (${view}).`);
  if (plan.environments.length === 0) blocks.push("No environments in this plan.");
  else blocks.push(summaryTable(plan));
  const charts = chartsList(plan);
  if (charts) blocks.push(charts);
  const totals = planTotals(plan);
  const failed = plan.environments.some((env) => env.releases.some((r) => r.error !== undefined));
  if (!hasChanges(totals) && !failed)
    blocks.push("**No changes.** Nothing would be created, changed or deleted.");
  return blocks;
}

/** Charts listed in the comment's head at most; a plan with more still lists every one in its JSON. */
const MAX_CHARTS_LISTED = 50;

/**
 * The pulled charts with their digests, once per release and chart however many environments use them:
 * what a reviewer checks to know exactly what will be deployed.
 */
function chartsList(plan: Plan): string | undefined {
  const rows = new Map<string, { text: string; envs: string[] }>();
  for (const env of plan.environments) {
    for (const { release, chart } of chartLines(env)) {
      const key = `${release}\0${chart.source}\0${chart.name}\0${chart.version}\0${chart.digest}\0${chart.dependencyOf ?? ""}`;
      const row = rows.get(key);
      if (row) row.envs.push(env.environment);
      else {
        const of =
          chart.dependencyOf !== undefined ? `, dependency of ${inlineCode(chart.dependencyOf)}` : "";
        const text = `${inlineCode(release)}: ${inlineCode(chartName(chart))} ${inlineCode(chart.digest)}${of}`;
        rows.set(key, { text, envs: [env.environment] });
      }
    }
  }
  if (rows.size === 0) return undefined;
  const items = [...rows.values()]
    .slice(0, MAX_CHARTS_LISTED)
    .map((r) => `- ${r.text} (${r.envs.map(escapeMarkdown).join(", ")})`);
  if (rows.size > MAX_CHARTS_LISTED) items.push(`- … and ${rows.size - MAX_CHARTS_LISTED} more`);
  return `**Charts pulled:**\n\n${items.join("\n")}`;
}

function findingItem(finding: Finding): string {
  const where = finding.line !== undefined ? `${finding.file}:${finding.line}` : finding.file;
  const object = finding.object !== undefined ? ` ${inlineCode(finding.object)}` : "";
  const label = `${SEVERITY_ICON[finding.severity]} **${finding.severity}**`;
  return `- ${label} ${inlineCode(finding.rule)}${object} at ${inlineCode(where)}: ${escapeMarkdown(finding.message)}`;
}

function findingsBlock(env: EnvironmentPlan): FindingsBlock {
  const totals = environmentTotals(env);
  const sorted = [...env.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const counts = [plural(totals.errors, "error"), plural(totals.warnings, "warning")].join(", ");
  return { heading: `**${escapeMarkdown(env.environment)}**: ${counts}`, items: sorted.map(findingItem) };
}

function objectName(change: ObjectChange): string {
  return `${change.kind} ${change.namespace !== undefined ? `${change.namespace}/` : ""}${change.name}`;
}

function diffLines(diff: string): string[] {
  if (diff === "") return [];
  const lines = diff.replace(/\r\n/g, "\n").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function releaseError(error: string): string {
  const text =
    error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}\n… (error shortened)` : error;
  return `**Render failed:**\n\n${codeBlock(diffLines(text))}`;
}

function releaseSection(env: EnvironmentPlan, release: ReleasePlan): ReleaseSection {
  const count = (action: ObjectChange["action"]) => release.changes.filter((c) => c.action === action).length;
  const counts = `${count("create")} to create, ${count("update")} to change, ${count("delete")} to delete, ${release.unchanged} unchanged`;
  const failed = release.error !== undefined ? " — ❌ render failed" : "";
  return {
    label: `${inlineCode(release.release)} (${escapeMarkdown(env.environment)})`,
    summary: `<b>${escapeHtml(release.release)}</b> (${escapeHtml(env.environment)}): ${counts}${failed}`,
    ...(release.error !== undefined ? { error: releaseError(release.error) } : {}),
    objects: release.changes.map((change) => ({
      heading: `**${change.action}** ${inlineCode(objectName(change))}`,
      lines: diffLines(change.diff),
    })),
  };
}

/**
 * The plan comment as structure: head (marker, title, summary table), findings per environment (errors
 * first), and one section per release that changes something or failed to render. Releases with
 * nothing to do get no section; the summary table already counts their unchanged objects.
 */
export function buildMarkdownDoc(plan: Plan, marker?: string): MarkdownDoc {
  return {
    head: head(plan, marker),
    findings: plan.environments.filter((env) => env.findings.length > 0).map(findingsBlock),
    releases: plan.environments.flatMap((env) =>
      env.releases
        .filter((release) => release.changes.length > 0 || release.error !== undefined)
        .map((release) => releaseSection(env, release)),
    ),
  };
}
