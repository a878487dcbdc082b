import { codeBlock } from "./markdown-escape.js";

/** The plan comment as structure, so trimming can drop whole parts instead of slicing markup. */
export interface MarkdownDoc {
  /** Marker, title and summary table: Markdown blocks that are never trimmed. */
  head: string[];
  findings: FindingsBlock[];
  releases: ReleaseSection[];
}

export interface FindingsBlock {
  /** One line naming the environment and its counts. */
  heading: string;
  /** One Markdown list item per finding, errors first. */
  items: string[];
}

export interface ReleaseSection {
  /** Already-escaped Markdown naming the release and environment, for notes about what was cut. */
  label: string;
  /** Already-escaped HTML for the `<summary>` line. */
  summary: string;
  /** Already-rendered Markdown block describing a render failure. */
  error?: string;
  objects: ObjectDiff[];
}

export interface ObjectDiff {
  /** Already-escaped Markdown line: action and object. */
  heading: string;
  /** Diff lines, raw; fenced on output. */
  lines: string[];
}

/** How much of the document to show; anything left out is summarised in a note. Default: everything. */
export interface MarkdownCut {
  /** Diff lines kept per release section (by index); missing entries keep everything. */
  keptLines?: readonly number[];
  /** Release sections shown, counted from the start. */
  sections?: number;
  /** Finding items shown, counted from the start across all blocks. */
  findings?: number;
}

const SIZE_NOTE = "(comment size limit)";
const MAX_LISTED = 25;

export function diffLineCount(section: ReleaseSection): number {
  return section.objects.reduce((sum, object) => sum + object.lines.length, 0);
}

export function findingCount(doc: MarkdownDoc): number {
  return doc.findings.reduce((sum, block) => sum + block.items.length, 0);
}

function listLabels(labels: readonly string[]): string {
  const shown = labels.slice(0, MAX_LISTED).join(", ");
  return labels.length > MAX_LISTED ? `${shown} and ${labels.length - MAX_LISTED} more` : shown;
}

function renderSection(section: ReleaseSection, kept: number): string {
  const total = diffLineCount(section);
  const parts = [`<details>\n<summary>${section.summary}</summary>`];
  if (section.error !== undefined) parts.push(section.error);
  let start = 0;
  for (const object of section.objects) {
    const shown =
      kept >= total ? object.lines.length : Math.max(0, Math.min(object.lines.length, kept - start));
    if (kept >= total || start < kept) {
      parts.push(object.heading);
      if (shown > 0) parts.push(codeBlock(object.lines.slice(0, shown), "diff"));
    }
    start += object.lines.length;
  }
  if (kept === 0 && total > 0) parts.push(`_Diff omitted ${SIZE_NOTE}._`);
  else if (kept < total) parts.push(`_… ${total - kept} more lines of diff omitted ${SIZE_NOTE}._`);
  parts.push("</details>");
  return parts.join("\n\n");
}

function renderFindings(doc: MarkdownDoc, limit: number): string | undefined {
  if (doc.findings.length === 0) return undefined;
  const parts = ["### Validation findings"];
  let left = limit;
  for (const block of doc.findings) {
    const items = block.items.slice(0, Math.max(0, left));
    left -= items.length;
    parts.push(items.length > 0 ? `${block.heading}\n\n${items.join("\n")}` : block.heading);
  }
  const hidden = findingCount(doc) - Math.min(limit, findingCount(doc));
  if (hidden > 0) parts.push(`_… ${hidden} more findings not shown ${SIZE_NOTE}._`);
  return parts.join("\n\n");
}

function trimNote(doc: MarkdownDoc, kept: readonly number[], sections: number): string | undefined {
  let omitted = 0;
  const dropped: string[] = [];
  const shortened: string[] = [];
  const hidden: string[] = [];
  doc.releases.forEach((section, index) => {
    const total = diffLineCount(section);
    const shown = index < sections ? (kept[index] ?? total) : 0;
    omitted += total - Math.min(shown, total);
    if (index >= sections) hidden.push(section.label);
    else if (shown === 0 && total > 0) dropped.push(section.label);
    else if (shown < total) shortened.push(section.label);
  });
  if (omitted === 0 && hidden.length === 0) return undefined;
  const lines = [
    `> ⚠️ … ${omitted} lines of diff omitted ${SIZE_NOTE}; run \`zakenak plan\` locally for the full diff.`,
  ];
  if (dropped.length > 0) lines.push(`> Diffs dropped: ${listLabels(dropped)}.`);
  if (shortened.length > 0) lines.push(`> Diffs shortened: ${listLabels(shortened)}.`);
  if (hidden.length > 0) lines.push(`> Releases not shown: ${listLabels(hidden)}.`);
  return lines.join("\n");
}

/** Renders the document, leaving out what `cut` says and noting what was left out. */
export function serializeMarkdown(doc: MarkdownDoc, cut: MarkdownCut = {}): string {
  const sections = Math.min(cut.sections ?? doc.releases.length, doc.releases.length);
  const kept = doc.releases.map((section, i) => cut.keptLines?.[i] ?? diffLineCount(section));
  const parts = [...doc.head];
  const note = trimNote(doc, kept, sections);
  if (note !== undefined) parts.push(note);
  const findings = renderFindings(doc, cut.findings ?? findingCount(doc));
  if (findings !== undefined) parts.push(findings);
  if (doc.releases.length > 0) {
    parts.push("### Changes");
    for (let i = 0; i < sections; i++) {
      const section = doc.releases[i];
      if (section !== undefined) parts.push(renderSection(section, kept[i] ?? 0));
    }
  }
  return `${parts.join("\n\n")}\n`;
}
