import { DEFAULT_INPUT_LIMITS } from "../../config/input-limits.js";
import { ZakenakError } from "../../errors.js";
import { runProcess } from "../../tools/run-process.js";
import { toolPath } from "../../tools/tool-path.js";
import { goToolEnv } from "./go-tool-env.js";
import { inputTooLarge } from "./input-too-large.js";
import { type ParsedManifests, parseManifests } from "./parse-manifests.js";
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

/** Renders a local chart with `helm template`; a failure names the release, the chart and helm's message. */
export async function renderHelm(
  input: HelmInput,
  slots: ToolSlots = unlimitedSlots,
): Promise<ParsedManifests> {
  const args = ["template", input.release, input.chartDir, "--include-crds", "--skip-tests"];
  if (input.namespace) args.push("--namespace", input.namespace);
  for (const v of input.valuesFiles) args.push("--values", v);
  const helm = toolPath("helm");
  const maxStdoutBytes = input.maxRenderBytes ?? DEFAULT_INPUT_LIMITS.maxRenderBytes;
  const env = goToolEnv({ HELM_NO_PLUGINS: "1" });
  const res = await slots(() => runProcess(helm, args, { env, maxStdoutBytes }));
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
