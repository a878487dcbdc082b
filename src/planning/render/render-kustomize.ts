import { ZakenakError } from "../../errors.js";
import { runProcess } from "../../tools/run-process.js";
import { toolPath } from "../../tools/tool-path.js";
import { goToolEnv } from "./go-tool-env.js";
import { type ParsedManifests, parseManifests } from "./parse-manifests.js";
import { type ToolSlots, unlimitedSlots } from "./tool-slots.js";

export interface KustomizeInput {
  release: string;
  namespace?: string;
  path: string;
  dir: string;
  environment: string;
}

/**
 * Builds an overlay with `kubectl kustomize`. Plugins, exec functions and Helm inflation stay off (they
 * are off unless asked for), so a pull request cannot run code on the machine that plans it.
 */
export async function renderKustomize(
  input: KustomizeInput,
  slots: ToolSlots = unlimitedSlots,
): Promise<ParsedManifests> {
  const env = goToolEnv();
  delete env.KUSTOMIZE_PLUGIN_HOME;
  const kubectl = toolPath("kubectl");
  const res = await slots(() => runProcess(kubectl, ["kustomize", input.dir], { env }));
  if (res.code !== 0) {
    const msg = res.stderr.trim().replace(/^error: /, "") || `exit code ${res.code}`;
    throw new ZakenakError(
      "render-failed",
      `release ${input.release} (environment ${input.environment}): kustomize failed for ${input.path}: ${msg}`,
    );
  }
  return parseManifests(res.stdout, {
    release: input.release,
    file: input.path,
    ...(input.namespace ? { namespace: input.namespace } : {}),
    sourceOf: () => input.path,
  });
}
