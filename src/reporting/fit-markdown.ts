import {
  diffLineCount,
  findingCount,
  type MarkdownCut,
  type MarkdownDoc,
  serializeMarkdown,
} from "./serialize-markdown.js";

/** Comment size limits of common forges, in characters. */
export const COMMENT_LIMITS = {
  github: 65_536,
  gitlab: 1_000_000,
  "bitbucket-server": 32_767,
  bitbucket: 65_536,
  "azure-devops": 150_000,
} as const;

const HARD_CUT_NOTE =
  "_… comment truncated (comment size limit); run `zakenak plan` locally for the full plan._";

/**
 * One number describes how much is cut, in the order things are given up:
 * 1..D   diff lines, from the end (the last release's diff shrinks and disappears first),
 * D+1..D+R  whole release sections, from the end (their diffs are already gone),
 * then finding items, from the end (the findings header and the summary table always stay).
 */
function cutAt(step: number, totals: readonly number[], findings: number): MarkdownCut {
  const diffLines = totals.reduce((a, b) => a + b, 0);
  const sections = totals.length;
  let left = Math.min(step, diffLines);
  const keptLines = totals.map(() => 0);
  for (let i = totals.length - 1; i >= 0; i--) {
    const total = totals[i] ?? 0;
    const cut = Math.min(total, left);
    keptLines[i] = total - cut;
    left -= cut;
  }
  const removedSections = Math.min(Math.max(0, step - diffLines), sections);
  const removedFindings = Math.max(0, step - diffLines - sections);
  return { keptLines, sections: sections - removedSections, findings: findings - removedFindings };
}

/** Last resort when even the summary does not fit: keep whole lines of the head, then a note. */
function hardCut(doc: MarkdownDoc, limit: number): string {
  const note = `${HARD_CUT_NOTE}\n`;
  if (note.length > limit) return note.slice(0, Math.max(0, limit));
  const kept: string[] = [];
  let length = note.length + 1;
  for (const line of doc.head.join("\n\n").split("\n")) {
    if (length + line.length + 1 > limit) break;
    kept.push(line);
    length += line.length + 1;
  }
  return `${kept.join("\n")}\n\n${note}`.replace(/^\n+/, "");
}

/**
 * Serialises `doc` in at most `limit` characters, cutting as little as possible. Works on the structure
 * (whole lines of diff, whole sections, whole findings), so fences and `<details>` always stay balanced.
 */
export function fitMarkdown(doc: MarkdownDoc, limit: number): string {
  const full = serializeMarkdown(doc);
  if (full.length <= limit) return full;
  const totals = doc.releases.map(diffLineCount);
  const findings = findingCount(doc);
  const render = (step: number) => serializeMarkdown(doc, cutAt(step, totals, findings));
  // Invariant: render(high) fits, render(low) does not. Each step removes text, so the sizes fall as the
  // step grows (the note only grows by a few characters), and a binary search finds the smallest cut.
  let low = 0;
  let high = totals.reduce((a, b) => a + b, 0) + totals.length + findings;
  let best = render(high);
  if (best.length > limit) return hardCut(doc, limit);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    const candidate = render(mid);
    if (candidate.length <= limit) {
      high = mid;
      best = candidate;
    } else {
      low = mid;
    }
  }
  return best;
}
