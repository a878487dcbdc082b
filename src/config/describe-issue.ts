import type { z } from "zod";

/** One schema problem as `file:line: key.path: what was expected`. */
export function describeIssue(
  issue: z.core.$ZodIssue,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
  file: string,
): string {
  const path = issue.path;
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  const line = lineOf(keys.length > 0 ? [...path, keys[0] as string] : path);
  const where = `${file}${line ? `:${line}` : ""}`;
  const at = formatPath(path) || "(top level)";
  if (issue.code === "unrecognized_keys") {
    return `${where}: ${at}: unknown key${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}`;
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return `${where}: ${at}: required (expected ${issue.expected})`;
  }
  if (issue.code === "invalid_type") {
    return `${where}: ${at}: expected ${issue.expected}, got ${typeName(issue.input)}`;
  }
  if (issue.code === "invalid_value") {
    return `${where}: ${at}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return `${where}: ${at}: ${issue.message}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}
