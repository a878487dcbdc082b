import { parseArgs } from "node:util";
import { ZakenakError } from "../errors.js";
import { hasChanges, planTotals } from "../reporting/plan-totals.js";
import { renderJson } from "../reporting/render-json.js";
import { renderMarkdown } from "../reporting/render-markdown.js";
import { renderText } from "../reporting/render-text.js";
import type { CliIo } from "./cli-io.js";
import { reportRenderErrors, runPlan } from "./run-plan.js";
import { useColor } from "./use-color.js";

const FORMATS = ["text", "markdown", "json"] as const;

/** `zakenak plan`: exit 0 no changes, 2 changes, 1 validation errors or failure. */
export async function planCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      repo: { type: "string" },
      base: { type: "string" },
      head: { type: "string" },
      env: { type: "string", multiple: true },
      live: { type: "boolean" },
      kubeconfig: { type: "string" },
      context: { type: "string" },
      format: { type: "string", default: "text" },
      limit: { type: "string" },
      "no-cache": { type: "boolean" },
      "no-image-check": { type: "boolean" },
      debug: { type: "boolean" },
    },
    strict: true,
  });
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format))
    throw new ZakenakError("usage", `--format must be one of ${FORMATS.join(", ")}`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new ZakenakError("usage", `--limit must be a positive whole number, got "${values.limit}"`);
  }
  if (values.live && values.base !== undefined) {
    throw new ZakenakError("usage", "--live compares with the cluster, so it takes no --base");
  }
  const plan = values.live
    ? await (await import("./run-live-plan.js")).runLivePlan(
        {
          ...(values.repo !== undefined ? { repo: values.repo } : {}),
          ...(values.head !== undefined ? { head: values.head } : {}),
          ...(values.env ? { env: values.env } : {}),
          ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
          ...(values.context !== undefined ? { context: values.context } : {}),
        },
        io,
      )
    : await runPlan(
        {
          ...(values.repo !== undefined ? { repo: values.repo } : {}),
          ...(values.base !== undefined ? { base: values.base } : {}),
          ...(values.head !== undefined ? { head: values.head } : {}),
          ...(values.env ? { env: values.env } : {}),
          noCache: values["no-cache"] === true,
          scanSecrets: true,
          imageCheck: values["no-image-check"] !== true,
        },
        io,
      );
  if (format === "json") io.stdout.write(renderJson(plan));
  else if (format === "markdown") {
    // A report fitted to exactly the limit gets no trailing newline: the limit is a promise.
    const md = renderMarkdown(plan, limit ? { limit } : {});
    io.stdout.write(limit === undefined || md.length < limit ? `${md}\n` : md);
  } else io.stdout.write(renderText(plan, { color: useColor(io) }));
  reportRenderErrors(plan, io);
  if (plan.environments.some((e) => !e.valid)) return 1;
  return hasChanges(planTotals(plan)) ? 2 : 0;
}
