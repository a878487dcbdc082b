import { realpath } from "node:fs/promises";
import { DEFAULT_INPUT_LIMITS } from "../../config/input-limits.js";
import { ZakenakError } from "../../errors.js";
import { runProcess } from "../../tools/run-process.js";
import { toolPath } from "../../tools/tool-path.js";
import { findRemoteReferences } from "./find-remote-references.js";
import { goToolEnv } from "./go-tool-env.js";
import { inputTooLarge } from "./input-too-large.js";
import { type ParsedManifests, parseManifests } from "./parse-manifests.js";
import { type ToolSlots, unlimitedSlots } from "./tool-slots.js";

export interface KustomizeInput {
  release: string;
  namespace?: string;
  path: string;
  dir: string;
  /** The repository (or revision) root the overlay is in: local references may not leave it. */
  repoRoot: string;
  environment: string;
  /**
   * URL prefixes a remote base may start with (the server's `kustomize.remoteBases`); default: none,
   * so no remote reference is fetched.
   */
  remoteBases?: readonly string[];
  /** Rendered YAML refused unparsed above this size; default `DEFAULT_INPUT_LIMITS.maxRenderBytes`. */
  maxRenderBytes?: number;
}

/**
 * Builds an overlay with `kubectl kustomize`. Plugins, exec functions and Helm inflation stay off (they
 * are off unless asked for), so a pull request cannot run code on the machine that plans it; no flag
 * that enables them or a function's network (`--enable-helm`, `--enable-alpha-plugins`, `--enable-exec`,
 * `--network`) is ever passed. Remote bases are refused before kubectl runs unless permitted, so a pull
 * request cannot make the planner fetch an address of its choosing (an internal one included).
 */
export async function renderKustomize(
  input: KustomizeInput,
  slots: ToolSlots = unlimitedSlots,
): Promise<ParsedManifests> {
  const where = `release ${input.release} (environment ${input.environment})`;
  const refused = (await findRemoteReferences(input.dir, await realpath(input.repoRoot))).filter(
    (r) => !isPermitted(r.ref, input.remoteBases ?? []),
  );
  if (refused.length > 0) {
    const list = refused.map((r) => `${r.file} references ${r.ref}`).join("; ");
    throw new ZakenakError(
      "render-failed",
      `${where}: remote kustomize bases are not fetched: ${list}. Copy the base into the repository, or ` +
        "have the operator permit its URL prefix in the server configuration (kustomize.remoteBases)",
    );
  }
  const env = goToolEnv();
  delete env.KUSTOMIZE_PLUGIN_HOME;
  const kubectl = toolPath("kubectl");
  const maxStdoutBytes = input.maxRenderBytes ?? DEFAULT_INPUT_LIMITS.maxRenderBytes;
  const res = await slots(() => runProcess(kubectl, ["kustomize", input.dir], { env, maxStdoutBytes }));
  if (res.stdoutOverflow) {
    const what = `${where}: the output of kustomize for ${input.path}`;
    throw inputTooLarge(what, undefined, "maxRenderBytes", maxStdoutBytes);
  }
  if (res.code !== 0) {
    const msg = res.stderr.trim().replace(/^error: /, "") || `exit code ${res.code}`;
    throw new ZakenakError("render-failed", `${where}: kustomize failed for ${input.path}: ${msg}`);
  }
  return parseManifests(res.stdout, {
    release: input.release,
    file: input.path,
    ...(input.namespace ? { namespace: input.namespace } : {}),
    sourceOf: () => input.path,
  });
}

/**
 * Under a permitted prefix, and with no `.`/`..` segment (plain or percent-encoded) that a server would
 * resolve to a path outside it.
 */
function isPermitted(ref: string, prefixes: readonly string[]): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(ref);
  } catch {
    return false;
  }
  if (/(^|[/\\])\.{1,2}([/\\?#]|$)/.test(decoded)) return false;
  return prefixes.some((prefix) => prefix !== "" && ref.startsWith(prefix));
}
