import { styleText } from "node:util";
import type { Finding } from "../model/finding.js";
import type { EnvironmentPlan, ObjectChange, Plan, ReleasePlan } from "../planning/types.js";
import { chartLines, chartName } from "./chart-lines.js";
import { escapeControl } from "./escape-control.js";
import { environmentTotals, type PlanTotals, planTotals, plural } from "./plan-totals.js";

export interface RenderTextOptions {
  /** Colour with ANSI escapes; when false the output contains no escape codes at all. */
  color: boolean;
}

type Style = Parameters<typeof styleText>[0];
type Paint = (style: Style, text: string) => string;

const ACTION_SIGN: Record<ObjectChange["action"], string> = { create: "+", update: "~", delete: "-" };
const ACTION_STYLE: Record<ObjectChange["action"], Style> = {
  create: "green",
  update: "yellow",
  delete: "red",
};
const SEVERITY_STYLE: Record<Finding["severity"], Style> = { error: "red", warning: "yellow", info: "cyan" };
const SEVERITY_ORDER: Record<Finding["severity"], number> = { error: 0, warning: 1, info: 2 };

function counts(t: PlanTotals): string {
  return `${t.create} to create, ${t.update} to change, ${t.delete} to delete, ${t.unchanged} unchanged`;
}

function diffLine(line: string, paint: Paint): string {
  const text = escapeControl(line);
  if (line.startsWith("+++") || line.startsWith("---")) return paint("bold", text);
  if (line.startsWith("+")) return paint("green", text);
  if (line.startsWith("-")) return paint("red", text);
  if (line.startsWith("@@")) return paint("cyan", text);
  return text;
}

function objectLines(change: ObjectChange, paint: Paint): string[] {
  const name = `${change.kind} ${change.namespace !== undefined ? `${change.namespace}/` : ""}${change.name}`;
  const header = paint(
    ACTION_STYLE[change.action],
    `${ACTION_SIGN[change.action]} ${change.action} ${escapeControl(name)}`,
  );
  const diff = change.diff.replace(/\r\n/g, "\n").replace(/\n$/, "");
  return [
    `    ${header}`,
    ...(diff === "" ? [] : diff.split("\n").map((l) => `      ${diffLine(l, paint)}`)),
  ];
}

function releaseLines(release: ReleasePlan, paint: Paint): string[] {
  const lines = [`  ${paint("bold", escapeControl(release.release))}`];
  if (release.error !== undefined) {
    const [first = "", ...rest] = release.error.split(/\r?\n/);
    lines.push(
      `    ${paint("red", `! render failed: ${escapeControl(first)}`)}`,
      ...rest.map((l) => `      ${escapeControl(l)}`),
    );
  }
  for (const change of release.changes) lines.push(...objectLines(change, paint));
  return lines;
}

function findingLine(finding: Finding, paint: Paint): string {
  const where = finding.line !== undefined ? `${finding.file}:${finding.line}` : finding.file;
  const object = finding.object !== undefined ? ` ${finding.object}` : "";
  const severity = paint(SEVERITY_STYLE[finding.severity], finding.severity.padEnd(7));
  return `    ${severity} ${escapeControl(`${finding.rule}${object} (${where}): ${finding.message}`)}`;
}

function environmentLines(env: EnvironmentPlan, paint: Paint): string[] {
  const totals = environmentTotals(env);
  const state = env.valid ? paint("green", "valid") : paint("red", "invalid");
  const title = paint("bold", `${escapeControl(env.environment)}: ${counts(totals)}`);
  const lines = [`${title} (${state})`];
  for (const release of env.releases) {
    if (release.changes.length > 0 || release.error !== undefined)
      lines.push(...releaseLines(release, paint));
  }
  const charts = chartLines(env);
  if (charts.length > 0) {
    lines.push(`  ${paint("bold", "charts")}`);
    for (const { release, chart } of charts) {
      const of = chart.dependencyOf !== undefined ? `, dependency of ${chart.dependencyOf}` : "";
      lines.push(`    ${escapeControl(`${release}: ${chartName(chart)} (${chart.digest}${of})`)}`);
    }
  }
  if (env.findings.length > 0) {
    lines.push(`  ${paint("bold", "findings")}`);
    const sorted = [...env.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    lines.push(...sorted.map((finding) => findingLine(finding, paint)));
  }
  return lines;
}

/** The plan for a terminal: per environment its counts, changed objects with diffs, and findings. */
export function renderText(plan: Plan, opts: RenderTextOptions): string {
  // validateStream: false, because the caller decided (e.g. from --color or the output stream's isTTY);
  // styleText would otherwise look at process.stdout and drop the colours on its own.
  const paint: Paint = opts.color
    ? (style, text) => styleText(style, text, { validateStream: false })
    : (_, t) => t;
  const blocks = plan.environments.map((env) => environmentLines(env, paint).join("\n"));
  const totals = planTotals(plan);
  const validation = `${plural(totals.errors, "error")}, ${plural(totals.warnings, "warning")}`;
  const style: Style = totals.errors > 0 ? "red" : totals.warnings > 0 ? "yellow" : "green";
  blocks.push(paint(style, `Plan: ${counts(totals)}; ${validation}.`));
  return `${blocks.join("\n\n")}\n`;
}
