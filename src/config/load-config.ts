import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { z } from "zod";
import { ZakenakError } from "../errors.js";
import { parseYamlDocument, toPlainData } from "./parse-yaml-document.js";
import { configSchema, type ZakenakConfig } from "./schema.js";

export const CONFIG_FILE = ".zakenak.yaml";

/**
 * Parses and validates `.zakenak.yaml` text. Every error names the file, the key path and, where the
 * key exists, its line; all problems are reported at once.
 */
export function parseConfig(text: string, file = CONFIG_FILE, knownRules?: readonly string[]): ZakenakConfig {
  const parsed = parseYamlDocument(text, file);
  const data = toPlainData(parsed, file);
  const result = configSchema.safeParse(data ?? {}, { reportInput: true });
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(describe(issue, parsed.lineOf, file));
  } else if (knownRules) {
    for (const rule of Object.keys(result.data.policy.rules)) {
      if (!knownRules.includes(rule)) {
        const line = parsed.lineOf(["policy", "rules", rule]);
        problems.push(
          `${file}${line ? `:${line}` : ""}: policy.rules.${rule}: unknown rule (known: ${knownRules.join(", ")})`,
        );
      }
    }
  }
  if (problems.length > 0) {
    throw new ZakenakError("config-invalid", `invalid ${file}:\n  ${problems.join("\n  ")}`);
  }
  return (result as { data: ZakenakConfig }).data;
}

/** Reads `.zakenak.yaml` from a directory; a missing file is a `config-missing` error. */
export async function loadConfig(repoDir: string, knownRules?: readonly string[]): Promise<ZakenakConfig> {
  let text: string;
  try {
    text = await readFile(join(repoDir, CONFIG_FILE), "utf8");
  } catch (cause) {
    throw new ZakenakError("config-missing", `no ${CONFIG_FILE} at the root of ${repoDir}`, { cause });
  }
  return parseConfig(text, CONFIG_FILE, knownRules);
}

function describe(
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
