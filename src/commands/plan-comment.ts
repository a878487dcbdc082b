import type { EnvironmentPlan, Plan } from "../planning/types.js";
import { buildMarkdownDoc } from "../reporting/build-markdown-doc.js";
import { fitMarkdown } from "../reporting/fit-markdown.js";
import { codeBlock, escapeMarkdown, inlineCode } from "../reporting/markdown-escape.js";
import { environmentTotals, hasChanges } from "../reporting/plan-totals.js";
import { serializeMarkdown } from "../reporting/serialize-markdown.js";
import type { ClusterView } from "./plan-cluster-view.js";

/** Hidden marker of the one plan comment per pull request, kept up to date in place. */
export const PLAN_MARKER = "<!-- zakenak:plan -->";

/** Environments whose plan changes something, or cannot be planned (a failed render may hide changes). */
export function isAffected(env: EnvironmentPlan): boolean {
  const totals = environmentTotals(env);
  return hasChanges(totals) || totals.errors > 0;
}

/**
 * The plan comment: the report with the affected environments named under the summary, then the cluster
 * view where a cluster answered, all within `limit` (the cluster view gets at most a third of it).
 */
export function planCommentBody(
  plan: Plan,
  limit: number,
  cluster?: ClusterView & { base: string; head: string },
): string {
  const live = cluster ? clusterSection(cluster, Number.isFinite(limit) ? Math.floor(limit / 3) : limit) : "";
  const room = Number.isFinite(limit) && live ? limit - live.length - 2 : limit;
  const repository = repositoryBody(plan, room);
  return live ? `${repository}\n\n${live}` : repository;
}

function clusterSection(cluster: ClusterView & { base: string; head: string }, limit: number): string {
  const notes = cluster.skipped.map((u) => `- ${inlineCode(u.environment)}: ${escapeMarkdown(u.reason)}`);
  if (cluster.environments.length === 0 && notes.length === 0) return "";
  const heading = "### Cluster view: live objects against a server-side dry run of the head";
  const parts = [heading];
  if (cluster.environments.length > 0) {
    const live: Plan = {
      base: "live cluster",
      head: cluster.head,
      view: "cluster",
      environments: cluster.environments,
    };
    const budget = Number.isFinite(limit)
      ? Math.max(200, limit - heading.length - notes.join("\n").length - 8)
      : limit;
    const doc = buildMarkdownDoc(live);
    parts.push(Number.isFinite(budget) ? fitMarkdown(doc, budget) : serializeMarkdown(doc));
  }
  if (notes.length > 0) parts.push(notes.join("\n"));
  return parts.join("\n\n");
}

function repositoryBody(plan: Plan, limit: number): string {
  const doc = buildMarkdownDoc(plan, PLAN_MARKER);
  const affected = plan.environments.filter(isAffected).map((e) => inlineCode(e.environment));
  const others = plan.environments.filter((e) => !isAffected(e)).map((e) => inlineCode(e.environment));
  const lines = [
    affected.length > 0
      ? `**Affected:** ${affected.join(", ")}.`
      : "**Affected:** none; no environment changes.",
  ];
  if (others.length > 0 && affected.length > 0) lines.push(`Not affected: ${others.join(", ")}.`);
  doc.head.push(lines.join(" "));
  return Number.isFinite(limit) ? fitMarkdown(doc, limit) : serializeMarkdown(doc);
}

/** One line per environment for its commit status. */
export function planStatusDescription(env: EnvironmentPlan): string {
  const t = environmentTotals(env);
  if (!env.valid) return `invalid: ${t.errors} error${t.errors === 1 ? "" : "s"}`;
  if (!hasChanges(t)) return "no changes";
  return `${t.create} to create, ${t.update} to change, ${t.delete} to delete`;
}

/** The plan comment when planning failed for good: the error in place of the plan. */
export function planFailureBody(headSha: string, message: string, limit: number): string {
  const head = [
    PLAN_MARKER,
    "## Zakenak plan",
    `❌ Planning ${inlineCode(headSha.slice(0, 12))} failed; nothing was planned.`,
  ].join("\n\n");
  const room = Math.max(200, limit - head.length - 40);
  const text = message.length > room ? `${message.slice(0, room)}\n… (truncated)` : message;
  return `${head}\n\n${codeBlock(text.split("\n"))}`;
}

/** The plan comment once the pull request was closed without merging: the plan no longer applies. */
export function closedUnmergedBody(number: number, headSha: string): string {
  return [
    PLAN_MARKER,
    "## Zakenak plan",
    `This pull request (#${number}) was closed without merging at ${inlineCode(headSha.slice(0, 12))}; ` +
      "its plan no longer applies and nothing was deployed. Reopen it to plan again.",
  ].join("\n\n");
}
