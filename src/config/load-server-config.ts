import { readFile } from "node:fs/promises";
import { ZakenakError } from "../errors.js";
import { describeIssue } from "./describe-issue.js";
import { parseYamlDocument, toPlainData } from "./parse-yaml-document.js";
import { type ServerConfig, serverConfigSchema } from "./server-config.js";

/** Parses the operator's server configuration; errors name the file, the key path and the line. */
export function parseServerConfig(text: string, file: string): ServerConfig {
  const parsed = parseYamlDocument(text, file);
  const data = toPlainData(parsed, file);
  const result = serverConfigSchema.safeParse(data ?? {}, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => describeIssue(issue, parsed.lineOf, file));
    throw new ZakenakError("config-invalid", `invalid ${file}:\n  ${problems.join("\n  ")}`);
  }
  return result.data;
}

/** Reads the server configuration file (`ZAKENAK_SERVER_CONFIG` / `--server-config`). */
export async function loadServerConfig(file: string): Promise<ServerConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new ZakenakError("config-missing", `cannot read the server configuration ${file}: ${reason}`, {
      cause,
    });
  }
  return parseServerConfig(text, file);
}
