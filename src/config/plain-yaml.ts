/**
 * A fast reader for the plain YAML that manifests and rendered charts are made of: block mappings and
 * sequences, one-line plain, single- and double-quoted scalars, literal block scalars (`|`, `|-`),
 * comments and `---` separators. It gives exactly what the `yaml` library's
 * `parseAllDocuments(...).toJS()` gives, and gives up (undefined) on
 * anything else — folded scalars, flow collections, anchors, aliases, tags, multi-line scalars, tabs,
 * repeated keys, errors of any kind — so that the full parser, with its messages and line numbers,
 * handles the whole text. Several times faster than the full parser, which builds a syntax tree and a
 * document of nodes for every file.
 */

/** One document of a stream: where it starts and ends (as `yaml` ranges it) and its plain data. */
export interface PlainDocument {
  /** Offset of the document's `---`, or of its first content for a first document without one. */
  start: number;
  /**
   * Offset where the next document's `---` starts, or the end of the text: the document's text, for its
   * `# Source:` comment (the full parser's range may stop short of the last line breaks).
   */
  end: number;
  /** Undefined for a document without content. */
  data?: unknown;
}

interface Line {
  indent: number;
  /** The line after its indentation. */
  text: string;
  /** Its index in the document's rows. */
  row: number;
}

class Unsupported extends Error {}

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
/** Other scalars the core schema resolves (octal, hexadecimal, infinities, NaN): left to the full parser. */
const OTHER_NUMBER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
/** Keys read here: plain names as Kubernetes uses them (`app.kubernetes.io/name`, `config.json`). */
const KEY = /^[A-Za-z0-9_$][A-Za-z0-9_$./-]*$/;
/** A plain scalar may not start with these. */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
/** Double-quoted escapes read here; any other makes the full parser read the text. */
const ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', "/": "/", n: "\n", t: "\t", r: "\r" };

/** The documents of a YAML stream, or undefined when the text needs the full parser. */
export function parsePlainYaml(text: string): PlainDocument[] | undefined {
  if (/[\t\r\uFEFF\0]/.test(text)) return undefined;
  try {
    return documents(text);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

function documents(text: string): PlainDocument[] {
  const docs: PlainDocument[] = [];
  let lines: Line[] = [];
  let rows: string[] = [];
  let start: number | undefined;
  let explicit = false;
  const finish = (end: number) => {
    if (start !== undefined) {
      docs.push({ start, end, ...(lines.length > 0 ? { data: parseLines({ lines, rows, at: 0 }) } : {}) });
    }
    lines = [];
    rows = [];
  };
  let at = 0;
  while (at < text.length) {
    const nl = text.indexOf("\n", at);
    const eol = nl < 0 ? text.length : nl;
    const raw = text.slice(at, eol);
    if (raw.startsWith("---") || raw.startsWith("...") || raw.startsWith("%")) {
      if (raw !== "---") throw new Unsupported();
      finish(at);
      start = at;
      explicit = true;
    } else {
      const indent = raw.length - raw.trimStart().length;
      const content = raw.slice(indent);
      if (content !== "" && !content.startsWith("#")) {
        // A first document without `---` starts at its first content, as `yaml` ranges it.
        if (start === undefined && !explicit) start = at;
        lines.push({ indent, text: content, row: rows.length });
      }
      // A block scalar ends at the end of the text only when the text ends with a line break.
      rows.push(nl < 0 ? `${raw}\0` : raw);
    }
    at = eol + 1;
  }
  finish(text.length);
  return docs;
}

function parseLines(reader: Reader): unknown {
  const first = reader.lines[0] as Line;
  if (!isItem(first.text) && keyOf(first.text) === undefined) throw new Unsupported();
  const data = block(reader, first.indent);
  if (reader.at < reader.lines.length) throw new Unsupported();
  return data;
}

interface Reader {
  /** The lines with content (not blank, not a comment). */
  lines: Line[];
  /** Every line of the document, for block scalars. */
  rows: string[];
  at: number;
}

function block(r: Reader, indent: number): unknown {
  const line = r.lines[r.at] as Line;
  return isItem(line.text) ? sequence(r, indent) : mapping(r, indent);
}

function isItem(text: string): boolean {
  return text === "-" || text.startsWith("- ");
}

function mapping(r: Reader, indent: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  while (r.at < r.lines.length) {
    const line = r.lines[r.at] as Line;
    if (line.indent < indent) break;
    if (line.indent > indent || isItem(line.text)) throw new Unsupported();
    const found = keyOf(line.text);
    if (found === undefined || Object.hasOwn(out, found.key)) throw new Unsupported();
    const rest = stripComment(line.text.slice(found.end));
    r.at++;
    out[found.key] = rest === "" ? nested(r, indent, true) : value(r, rest, indent, line.row);
  }
  return out;
}

function sequence(r: Reader, indent: number): unknown[] {
  const out: unknown[] = [];
  while (r.at < r.lines.length) {
    const line = r.lines[r.at] as Line;
    if (line.indent < indent) break;
    if (line.indent > indent) throw new Unsupported();
    if (!isItem(line.text)) break;
    const after = line.text.slice(1);
    const rest = after.trimStart();
    if (rest === "" || rest.startsWith("#")) {
      r.at++;
      out.push(nested(r, indent, false));
    } else if (keyOf(rest) !== undefined) {
      // `- key: value`: a mapping whose keys line up with this first one.
      const column = indent + 1 + (after.length - rest.length);
      r.lines[r.at] = { indent: column, text: rest, row: line.row };
      out.push(mapping(r, column));
    } else {
      if (isItem(rest)) throw new Unsupported();
      r.at++;
      out.push(value(r, stripComment(rest), indent, line.row));
    }
  }
  return out;
}

/** The value of a key or item with nothing after it: a block below it, a sequence beside a key, or null. */
function nested(r: Reader, indent: number, underKey: boolean): unknown {
  const next = r.lines[r.at];
  if (next && next.indent > indent) return block(r, next.indent);
  if (next && underKey && next.indent === indent && isItem(next.text)) return sequence(r, indent);
  return null;
}

/** A value on the line of its key or item (`row`): a scalar, or a literal block scalar below it. */
function value(r: Reader, text: string, indent: number, row: number): unknown {
  if (text.startsWith("|")) return literal(r, text, indent, row);
  const v = scalar(text);
  assertNoContinuation(r, indent);
  return v;
}

/**
 * A literal block scalar (`|` keeps one final line break, `|-` none) whose header is on `row`: the rows
 * below indented deeper than `indent`, less the first one's indentation, line breaks kept.
 */
function literal(r: Reader, header: string, indent: number, row: number): string {
  if (header !== "|" && header !== "|-") throw new Unsupported();
  const body: string[] = [];
  let contentIndent: number | undefined;
  let next = row + 1;
  for (; next < r.rows.length; next++) {
    const raw = r.rows[next] as string;
    if (raw.endsWith("\0")) throw new Unsupported();
    const trimmed = raw.trimStart();
    const at = raw.length - trimmed.length;
    if (trimmed === "") {
      // Leading empty lines, or spaces past the indentation, have rules of their own.
      if (contentIndent === undefined || at > contentIndent) throw new Unsupported();
      body.push("");
      continue;
    }
    contentIndent ??= at;
    if (at < contentIndent) break;
    body.push(raw.slice(contentIndent));
  }
  if (contentIndent === undefined || contentIndent <= indent) throw new Unsupported();
  while (body.length > 0 && body[body.length - 1] === "") body.pop();
  while (r.at < r.lines.length && (r.lines[r.at] as Line).row < next) r.at++;
  const text = body.join("\n");
  return header === "|" ? `${text}\n` : text;
}

/** A scalar value ends on its line: a deeper line after it would continue it (or be an error). */
function assertNoContinuation(r: Reader, indent: number): void {
  const next = r.lines[r.at];
  if (next && next.indent > indent) throw new Unsupported();
}

/**
 * The key of a `key: value` or `key:` line, and where its value starts: a plain name that reads as a
 * string, or a quoted one without escapes.
 */
function keyOf(text: string): { key: string; end: number } | undefined {
  const quote = text[0];
  let key: string;
  let colon: number;
  if (quote === '"' || quote === "'") {
    const close = text.indexOf(quote, 1);
    if (close < 0 || text[close + 1] !== ":") return undefined;
    key = text.slice(1, close);
    if (key.includes("\\") || key.includes("'")) return undefined;
    colon = close + 1;
  } else {
    colon = text.indexOf(":");
    key = text.slice(0, colon);
    if (colon <= 0 || !KEY.test(key) || typeof plain(key) !== "string") return undefined;
  }
  if (colon + 1 < text.length && text[colon + 1] !== " ") return undefined;
  return key === "__proto__" ? undefined : { key, end: colon + 1 };
}

/** The text without a trailing comment (one after whitespace) and surrounding spaces. */
function stripComment(text: string): string {
  const t = text.trimStart();
  if (t.startsWith("#")) return "";
  if (t.startsWith('"') || t.startsWith("'")) return t.trimEnd();
  const hash = t.search(/ #/);
  return (hash < 0 ? t : t.slice(0, hash)).trimEnd();
}

function scalar(text: string): unknown {
  if (text.startsWith('"')) return doubleQuoted(text);
  if (text.startsWith("'")) return singleQuoted(text);
  if (text === "[]") return [];
  if (text === "{}") return {};
  if (INDICATOR.test(text) && !/^-[0-9A-Za-z.]/.test(text)) throw new Unsupported();
  // `a: b: c` is an error; `a: b #c` lost its comment already.
  if (text.includes(": ") || text.endsWith(":") || text.includes(" #")) throw new Unsupported();
  return plain(text);
}

/** Whether `text` written as a plain scalar reads back as this same string (not a number, boolean, null). */
export function readsAsString(text: string): boolean {
  try {
    return typeof plain(text) === "string";
  } catch (err) {
    if (err instanceof Unsupported) return false;
    throw err;
  }
}

/** A plain scalar resolved as the YAML 1.2 core schema resolves it. */
function plain(text: string): unknown {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === "t" || text[0] === "T";
  if (INT.test(text)) {
    const sign = text[0];
    const n = Number.parseInt(sign === "-" || sign === "+" ? text.slice(1) : text, 10);
    return sign === "-" ? -1 * n : n;
  }
  if (FLOAT.test(text) || FLOAT_EXP.test(text)) return Number.parseFloat(text);
  if (OTHER_NUMBER.test(text)) throw new Unsupported();
  return text;
}

function singleQuoted(text: string): string {
  let out = "";
  let i = 1;
  for (;;) {
    const q = text.indexOf("'", i);
    if (q < 0) throw new Unsupported();
    out += text.slice(i, q);
    if (text[q + 1] === "'") {
      out += "'";
      i = q + 2;
      continue;
    }
    assertEndsAt(text, q + 1);
    return out;
  }
}

function doubleQuoted(text: string): string {
  let out = "";
  let i = 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      assertEndsAt(text, i + 1);
      return out;
    }
    if (c === "\\") {
      const escaped = ESCAPES[text[i + 1] ?? ""];
      if (escaped === undefined) throw new Unsupported();
      out += escaped;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  throw new Unsupported();
}

/** After a closing quote: nothing, or a comment. */
function assertEndsAt(text: string, at: number): void {
  const rest = text.slice(at);
  if (rest.trim() !== "" && !/^\s+#/.test(rest)) throw new Unsupported();
}
