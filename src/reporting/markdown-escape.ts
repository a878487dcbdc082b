/** Escaping helpers so text from the plan (names, messages, diffs) can never break the Markdown around it. */

/** Text for one line of Markdown (list item, table cell, heading): no line breaks, markup or HTML. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]|~#!@]/g, "\\$&");
}

/** Text inside an HTML element such as `<summary>`. */
export function escapeHtml(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return longest;
}

/** An inline code span whose delimiter is longer than any backtick run in `text`. Not for table cells. */
export function inlineCode(text: string): string {
  const oneLine = text.replace(/\r\n|\r|\n/g, " ");
  const delimiter = "`".repeat(longestBacktickRun(oneLine) + 1);
  const pad = oneLine.startsWith("`") || oneLine.endsWith("`") ? " " : "";
  return `${delimiter}${pad}${oneLine}${pad}${delimiter}`;
}

/** A fenced code block whose fence is longer than any backtick run inside, so the content cannot close it. */
export function codeBlock(lines: readonly string[], language = ""): string {
  const body = lines.join("\n");
  const fence = "`".repeat(Math.max(3, longestBacktickRun(body) + 1));
  return `${fence}${language}\n${body}\n${fence}`;
}
