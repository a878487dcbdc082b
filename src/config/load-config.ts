import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ZakenakError } from "../errors.js";
import { CONFIG_FILE } from "./config-file.js";
import { describeIssue } from "./describe-issue.js";
import { parseYamlDocument, toPlainData } from "./parse-yaml-document.js";
import { parsePlainYaml } from "./plain-yaml.js";
import { configSchema, type ZakenakConfig } from "./schema.js";

export { CONFIG_FILE } from "./config-file.js";

/**
 * Parses and validates `.zakenak.yaml` text. Every error names the file, the key path and, where the
 * key exists, its line; all problems are reported at once.
 */
export function parseConfig(text: string, file = CONFIG_FILE, knownRules?: readonly string[]): ZakenakConfig {
  // A plain config that the schema accepts needs no syntax tree: that is only for the lines of errors,
  // which the full parse below finds.
  const plain = parsePlainYaml(text);
  if (plain && plain.length <= 1) {
    const result = configSchema.safeParse(plain[0]?.data ?? {});
    const rules = result.success ? Object.keys(result.data.policy.rules) : [];
    if (result.success && (!knownRules || rules.every((r) => knownRules.includes(r)))) return result.data;
  }
  const parsed = parseYamlDocument(text, file);
  const data = toPlainData(parsed, file);
  const result = configSchema.safeParse(data ?? {}, { reportInput: true });
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(describeIssue(issue, parsed.lineOf, file));
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
