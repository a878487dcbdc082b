import type { ApplyOutcome } from "../applying/apply-environment.js";
import type { DeployResult } from "../applying/deploy-objects.js";
import { codeBlock, escapeHtml, escapeMarkdown, inlineCode } from "../reporting/markdown-escape.js";

/** Objects listed per kind of change; the rest are counted. */
const MAX_LISTED = 50;

/** One comment per environment and commit: a retried or recovered job edits it instead of adding one. */
export function applyMarker(environment: string, sha: string): string {
  return `<!-- zakenak:apply:${environment}:${sha} -->`;
}

export interface ApplyReport {
  environment: string;
  sha: string;
  refName: string;
  actor: string;
}

function objectList(title: string, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const shown = names.slice(0, MAX_LISTED).map((n) => `- ${inlineCode(n)}`);
  if (names.length > MAX_LISTED) shown.push(`- … and ${names.length - MAX_LISTED} more`);
  return [
    `<details><summary>${escapeHtml(title)} (${names.length})</summary>\n\n${shown.join("\n")}\n\n</details>`,
  ];
}

function changes(label: string, deploy: DeployResult): string[] {
  return [
    `**${label}:** ${deploy.written.length} written, ${deploy.unchanged} unchanged, ${deploy.pruned.length} pruned` +
      (deploy.keptFromPrune.length > 0 ? `, ${deploy.keptFromPrune.length} kept (prune disabled)` : "") +
      ".",
    ...objectList("Written", deploy.written),
    ...objectList("Pruned", deploy.pruned),
    `**Health:** ${escapeMarkdown(deploy.health.message)}`,
  ];
}

function heading(r: ApplyReport): string[] {
  return [applyMarker(r.environment, r.sha), `## Zakenak apply: ${inlineCode(r.environment)}`];
}

function source(r: ApplyReport): string {
  return `${inlineCode(r.refName)} at ${inlineCode(r.sha.slice(0, 12))} (pushed by ${escapeMarkdown(r.actor)})`;
}

/** The comment on the merged pull request: revision, what changed, health, and any automatic rollback. */
export function applyCommentBody(r: ApplyReport, outcome: ApplyOutcome, limit: number): string {
  const blocks = [...heading(r)];
  if (outcome.result === "succeeded") {
    blocks.push(`✅ Revision **${outcome.revision}** applied from ${source(r)}.`);
    blocks.push(...changes("Changes", outcome.deploy));
  } else if (outcome.result === "rolled-back" && outcome.rollback) {
    const rb = outcome.rollback;
    blocks.push(
      `⚠️ Revision **${outcome.revision}** from ${source(r)} was applied but did not become healthy; ` +
        `Zakenak rolled back to revision **${rb.to}** by itself (recorded as revision **${rb.revision}**, ${rb.result}).`,
    );
    blocks.push(...changes("Failed apply", outcome.deploy), ...changes("Rollback", rb.deploy));
    blocks.push(
      "Fix the change and merge again, or revert it in Git so the next deploy does not bring it back.",
    );
  } else {
    blocks.push(
      `❌ Revision **${outcome.revision}** from ${source(r)} failed: ${escapeMarkdown(outcome.message)}`,
    );
    blocks.push(...changes("Changes", outcome.deploy));
  }
  return fitLimit(blocks.join("\n\n"), limit);
}

/** The comment when a newer push to the environment overtook this commit before it was applied. */
export function supersededBody(r: ApplyReport, by: string): string {
  return [
    ...heading(r),
    `⏭️ ${source(r)} was not applied to ${inlineCode(r.environment)} on its own: a newer push ` +
      `(${inlineCode(by.slice(0, 12))}) to the same environment came in first and deploys instead.`,
  ].join("\n\n");
}

/** The comment when nothing was applied: refused (unsigned commit) or failed before the apply. */
export function applyFailureBody(r: ApplyReport, message: string, limit: number): string {
  const blocks = [...heading(r), `❌ Nothing was applied to ${inlineCode(r.environment)} from ${source(r)}.`];
  blocks.push(codeBlock(message.split("\n")));
  return fitLimit(blocks.join("\n\n"), limit);
}

function fitLimit(body: string, limit: number): string {
  if (body.length <= limit) return body;
  const note = "\n\n_… truncated (comment size limit)._";
  return body.slice(0, Math.max(0, limit - note.length)) + note;
}
