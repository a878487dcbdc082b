/**
 * The 1-based numbers of the head's lines whose text the base does not have: each base line can vouch
 * for one head line with the same text. Unlike an edit script this is linear and has no cut-off, and a
 * line that only moved within the file is not new: its content was in Git before the change.
 */
export function addedLines(base: string | undefined, head: string): Set<number> {
  const headLines = head.split(/\r?\n/);
  const added = new Set<number>();
  const left = new Map<string, number>();
  for (const line of base === undefined ? [] : base.split(/\r?\n/)) {
    left.set(line, (left.get(line) ?? 0) + 1);
  }
  headLines.forEach((line, i) => {
    const n = left.get(line) ?? 0;
    if (n > 0) left.set(line, n - 1);
    else added.add(i + 1);
  });
  return added;
}
