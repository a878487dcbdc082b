import type { RevisionSummary } from "../applying/history/revision.js";
import type { LockInfo } from "../applying/lock/read-lock.js";
import { escapeMarkdown } from "../reporting/markdown-escape.js";

const RESULT_ICON: Record<RevisionSummary["result"], string> = {
  succeeded: "✅",
  failed: "❌",
  "rolled-back": "↩️",
  "in-progress": "⏳",
};

/**
 * An environment's revisions as a Markdown table, newest first. Built from summaries only: manifests
 * (and so Secret values) are never part of it.
 */
export function historyTable(
  environment: string,
  revisions: readonly RevisionSummary[],
  lock: LockInfo | undefined,
  max = 20,
): string {
  const title = `### History of \`${environment}\``;
  const lockLine = lock
    ? `🔒 Locked by ${escapeMarkdown(lock.description)} since ${lock.acquiredAt.toISOString()}${lock.expired ? " (expired)" : ""}.`
    : "🔓 Not locked.";
  if (revisions.length === 0) return [title, "No revisions yet.", lockLine].join("\n\n");
  const rows = revisions.slice(0, max).map((r) => {
    const trigger = r.rollbackOf !== undefined ? `${r.trigger} to ${r.rollbackOf}` : r.trigger;
    const cells = [
      String(r.number),
      `${RESULT_ICON[r.result]} ${r.result}`,
      escapeMarkdown(trigger),
      `\`${r.sha.slice(0, 12)}\``,
      escapeMarkdown(r.ref),
      escapeMarkdown(r.actor),
      r.startedAt.toISOString().replace(/\.\d+Z$/, "Z"),
      escapeMarkdown((r.message ?? "").slice(0, 120)),
    ];
    return `| ${cells.join(" | ")} |`;
  });
  const more = revisions.length > max ? [`Showing the newest ${max} of ${revisions.length} revisions.`] : [];
  return [
    title,
    [
      "| Revision | Result | Trigger | Commit | Ref | Actor | Started | Message |",
      "| ---: | --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n"),
    ...more,
    lockLine,
  ].join("\n\n");
}
