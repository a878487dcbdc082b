import { readsAsString } from "../config/plain-yaml.js";

/** Strings printed as they are: no quotes, escapes or indicators needed. */
const PLAIN = /^[A-Za-z0-9_./-](?:[A-Za-z0-9_./:@=+ -]*[A-Za-z0-9_./=+@-])?$/;
/** Plain strings that would read as something else: a lone dash, a document marker, a sequence item. */
const INDICATOR = /^(?:-$|- |---|\.\.\.)/;

class Unsupported extends Error {}

/**
 * Plain data printed exactly as the `yaml` library's `stringify(data, { sortMapEntries: true,
 * lineWidth: 0 })` prints it, for the data Kubernetes objects are mostly made of: mappings, sequences,
 * plain strings, whole numbers, booleans and null. Undefined for anything else (strings that need
 * quotes, other numbers, sequences in sequences), which the library prints. Several times faster than
 * the library, which builds a document of nodes first.
 */
export function printPlainYaml(data: unknown): string | undefined {
  if (!isMap(data)) return undefined;
  try {
    const lines: string[] = [];
    if (!printMap(data, "", lines)) return "{}\n";
    return `${lines.join("\n")}\n`;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

/** Adds a mapping's lines at `indent`; false when it has no entries. */
function printMap(map: Record<string, unknown>, indent: string, lines: string[]): boolean {
  const keys = Object.keys(map)
    .filter((k) => map[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const key of keys) {
    const head = `${indent}${plainString(key)}:`;
    const value = map[key];
    if (Array.isArray(value)) {
      if (value.length === 0) lines.push(`${head} []`);
      else {
        lines.push(head);
        printSeq(value, `${indent}  `, lines);
      }
    } else if (isMap(value)) {
      const at = lines.length;
      lines.push(head);
      if (!printMap(value, `${indent}  `, lines)) lines[at] = `${head} {}`;
    } else lines.push(`${head} ${scalar(value)}`);
  }
  return keys.length > 0;
}

function printSeq(seq: readonly unknown[], indent: string, lines: string[]): void {
  for (const item of seq) {
    if (Array.isArray(item)) throw new Unsupported();
    if (isMap(item)) {
      const at = lines.length;
      if (!printMap(item, `${indent}  `, lines)) lines.push(`${indent}- {}`);
      // The item's first line starts with its dash.
      else lines[at] = `${indent}- ${(lines[at] as string).slice(indent.length + 2)}`;
    } else lines.push(`${indent}- ${scalar(item)}`);
  }
}

function scalar(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number" && Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
  if (typeof v === "string") return plainString(v);
  throw new Unsupported();
}

function plainString(s: string): string {
  if (
    !PLAIN.test(s) ||
    INDICATOR.test(s) ||
    s.includes(": ") ||
    s.includes(" #") ||
    s.includes("  ") ||
    !readsAsString(s)
  )
    throw new Unsupported();
  return s;
}
