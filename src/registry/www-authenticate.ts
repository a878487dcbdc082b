/** One challenge of a `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"`. */
export interface Challenge {
  /** Lower case: `bearer`, `basic`. */
  scheme: string;
  /** Parameter names in lower case, values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/**
 * Parses every challenge of a `WWW-Authenticate` header (RFC 9110: scheme, then `name=value` or
 * `name="quoted, with commas"` parameters). Unparseable rest is ignored: what was read is still usable.
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let rest = header.trim();
  let current: Challenge | undefined;
  while (rest !== "") {
    rest = rest.replace(/^[\s,]+/, "");
    const name = TOKEN.exec(rest)?.[0];
    if (!name) break;
    const after = rest.slice(name.length).replace(/^\s*/, "");
    if (after.startsWith("=") && current) {
      const value = after.slice(1).replace(/^\s*/, "");
      if (value.startsWith('"')) {
        let text = "";
        let i = 1;
        for (; i < value.length && value[i] !== '"'; i++)
          text += value[i] === "\\" ? (value[++i] ?? "") : value[i];
        current.params[name.toLowerCase()] = text;
        rest = value.slice(i + 1);
      } else {
        const token = /^[^\s,]*/.exec(value)?.[0] ?? "";
        current.params[name.toLowerCase()] = token;
        rest = value.slice(token.length);
      }
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    challenges.push(current);
    rest = after;
  }
  return challenges;
}
