const truncationNotice = "\n\n…(truncated: longer than the host accepts in one comment)";

/** The end of a cut at `at`, moved back by one when it would split a UTF-16 surrogate pair. */
function safeCut(text: string, at: number): number {
  if (at <= 0) return 0;
  if (at >= text.length) return text.length;
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

/** `text` cut to at most `limit` characters, ending in "…" when cut (status descriptions). */
export function trimText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  if (limit <= 0) return "";
  return `${text.slice(0, safeCut(text, limit - 1))}…`;
}

/**
 * A comment body of at most `limit` characters. Callers fit their reports already; this is the guard that
 * never lets more through. When it cuts, the hidden marker is kept at the top so the next upsert still finds
 * the comment, and a notice says the body was cut.
 */
export function fitComment(body: string, limit: number, marker?: string): string {
  if (body.length <= limit) return body;
  const keepMarker = marker !== undefined && marker.length > 0 && body.includes(marker);
  const head = keepMarker ? `${marker}\n` : "";
  const rest = keepMarker ? body.replace(marker, "").replace(/^\n/, "") : body;
  const room = limit - head.length - truncationNotice.length;
  if (room <= 0) return `${head}${rest}`.slice(0, safeCut(`${head}${rest}`, limit));
  return `${head}${rest.slice(0, safeCut(rest, room))}${truncationNotice}`;
}

/**
 * `body` split into parts of at most `limit` characters, at line breaks where one is in the second half of
 * a part, so long replies arrive whole over several comments.
 */
export function splitComment(body: string, limit: number): string[] {
  if (limit <= 0) throw new RangeError("comment limit must be positive");
  const parts: string[] = [];
  let rest = body;
  while (rest.length > limit) {
    const newline = rest.lastIndexOf("\n", limit - 1);
    // A limit of 1 cannot keep a surrogate pair together; splitting it beats looping forever.
    const cut = newline >= limit / 2 ? newline + 1 : safeCut(rest, limit) || limit;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  parts.push(rest);
  return parts;
}
