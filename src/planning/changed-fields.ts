import { sameValue } from "./diff-objects.js";

/** Beyond this many paths an object's list ends with a count: a rewritten object is not a field report. */
const MAX_FIELDS = 50;

/**
 * The paths at which two versions of an object differ, as `spec.replicas` or
 * `spec.template.spec.containers[0].image`: the deepest path where one side has a value the other lacks
 * or holds differently. Paths name keys only, never values, so a Secret's field list shows which keys
 * changed and nothing of what they hold.
 */
export function changedFields(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  walk(before, after, "", out);
  if (out.length <= MAX_FIELDS) return out;
  return [...out.slice(0, MAX_FIELDS), `… ${out.length - MAX_FIELDS} more`];
}

function walk(a: unknown, b: unknown, path: string, out: string[]): void {
  if (sameValue(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) walk(a[k], b[k], path ? `${path}.${segment(k)}` : segment(k), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (const [i, v] of a.entries()) walk(v, b[i], `${path}[${i}]`, out);
    return;
  }
  out.push(path || "(whole object)");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A key as a path segment: plain keys as they are, others (dots, slashes in labels) quoted. */
function segment(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
}
