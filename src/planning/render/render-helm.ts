import { DEFAULT_INPUT_LIMITS } from "../../config/input-limits.js";
import { ZakenakError } from "../../errors.js";
import { type ProcessResult, runProcess } from "../../tools/run-process.js";
import { toolPath } from "../../tools/tool-path.js";
import { goToolEnv } from "./go-tool-env.js";
import { helmRenderer } from "./helm-renderer.js";
import { inputTooLarge } from "./input-too-large.js";
import { type ParsedManifests, parseManifests } from "./parse-manifests.js";
import type { RenderServiceClient } from "./render-service-client.js";
import { type ToolSlots, unlimitedSlots } from "./tool-slots.js";

export interface HelmInput {
  release: string;
  namespace?: string;
  /** Chart directory relative to the repository root, as in the config. */
  chartPath: string;
  chartDir: string;
  /** Absolute values file paths, in order. */
  valuesFiles: string[];
  environment: string;
  /** Rendered YAML refused unparsed above this size; default `DEFAULT_INPUT_LIMITS.maxRenderBytes`. */
  maxRenderBytes?: number;
}

/**
 * Renders a local chart as `helm template` does: on the render service when it is built, else with the
 * helm binary (see helm-renderer.ts); a failure names the release, the chart and helm's message.
 */
export async function renderHelm(
  input: HelmInput,
  slots: ToolSlots = unlimitedSlots,
): Promise<ParsedManifests> {
  const maxStdoutBytes = input.maxRenderBytes ?? DEFAULT_INPUT_LIMITS.maxRenderBytes;
  const renderer = helmRenderer();
  const res =
    renderer.kind === "service"
      ? await renderOnService(renderer.client, input, maxStdoutBytes)
      : await renderWithBinary(input, slots, maxStdoutBytes);
  if (res.stdoutOverflow) {
    const what = `release ${input.release} (environment ${input.environment}): the output of helm template for chart ${input.chartPath}`;
    throw inputTooLarge(what, undefined, "maxRenderBytes", maxStdoutBytes);
  }
  if (res.code !== 0) {
    // Helm's first line is the error; what follows is advice about its own flags.
    const msg = (res.stderr.trim().split("\n")[0] ?? "").replace(/^Error: /, "") || `exit code ${res.code}`;
    throw new ZakenakError(
      "render-failed",
      `release ${input.release} (environment ${input.environment}): helm template failed for chart ${input.chartPath}: ${msg}`,
    );
  }
  return parseManifests(res.stdout, {
    release: input.release,
    file: input.chartPath,
    ...(input.namespace ? { namespace: input.namespace } : {}),
    sourceOf: (doc) => {
      const m = /^# Source: [^/\n]+\/(.+)$/m.exec(doc);
      return m ? `${input.chartPath}/${m[1]}` : input.chartPath;
    },
  });
}

function renderWithBinary(
  input: HelmInput,
  slots: ToolSlots,
  maxStdoutBytes: number,
): Promise<ProcessResult> {
  const args = ["template", input.release, input.chartDir, "--include-crds", "--skip-tests"];
  if (input.namespace) args.push("--namespace", input.namespace);
  for (const v of input.valuesFiles) args.push("--values", v);
  const env = goToolEnv({ HELM_NO_PLUGINS: "1" });
  return slots(() => runProcess(toolPath("helm"), args, { env, maxStdoutBytes }));
}

/** The same request as renderWithBinary's flags, answered in the shape of a helm process's result. */
async function renderOnService(
  client: RenderServiceClient,
  input: HelmInput,
  maxStdoutBytes: number,
): Promise<ProcessResult> {
  const res = await client.render({
    releaseName: input.release,
    chartDir: input.chartDir,
    valuesFiles: input.valuesFiles,
    includeCrds: true,
    skipTests: true,
    ...(input.namespace ? { namespace: input.namespace } : {}),
  });
  if ("error" in res) return { code: 1, stdout: "", stderr: `Error: ${res.error}` };
  if (Buffer.byteLength(res.manifest) > maxStdoutBytes)
    return { code: null, stdout: "", stderr: "", stdoutOverflow: true };
  return { code: 0, stdout: res.manifest, stderr: "" };
}
