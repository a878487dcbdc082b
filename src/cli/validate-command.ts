import { parseArgs } from "node:util";
import { ZakenakError } from "../errors.js";
import type { Finding } from "../model/finding.js";
import type { Plan } from "../planning/types.js";
import { escapeControl } from "../reporting/escape-control.js";
import type { CliIo } from "./cli-io.js";
import { reportRenderErrors, runPlan } from "./run-plan.js";

/** `zakenak validate`: renders every environment and checks it; exit 0 valid, 1 errors. */
export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      repo: { type: "string" },
      ref: { type: "string" },
      env: { type: "string", multiple: true },
      format: { type: "string", default: "text" },
      "no-cache": { type: "boolean" },
      debug: { type: "boolean" },
    },
    strict: true,
  });
  if (values.format !== "text" && values.format !== "json") {
    throw new ZakenakError("usage", "--format must be one of text, json");
  }
  const plan = await runPlan(
    {
      base: null,
      ...(values.repo !== undefined ? { repo: values.repo } : {}),
      ...(values.ref !== undefined ? { head: values.ref } : {}),
      ...(values.env ? { env: values.env } : {}),
      noCache: values["no-cache"] === true,
      diffs: false,
    },
    io,
  );
  io.stdout.write(values.format === "json" ? validationJson(plan) : validationText(plan));
  reportRenderErrors(plan, io);
  return plan.environments.every((e) => e.valid) ? 0 : 1;
}

function validationJson(plan: Plan): string {
  const environments = plan.environments.map((e) => ({
    environment: e.environment,
    valid: e.valid,
    objects: e.summary.create,
    renderErrors: e.releases.filter((r) => r.error).map((r) => ({ release: r.release, error: r.error })),
    findings: e.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      file: f.file,
      line: f.line ?? null,
      object: f.object ?? null,
      message: f.message,
    })),
  }));
  return `${JSON.stringify({ valid: environments.every((e) => e.valid), ref: plan.head, environments }, null, 2)}\n`;
}

function validationText(plan: Plan): string {
  const out: string[] = [];
  for (const env of plan.environments) {
    const errors = env.findings.filter((f) => f.severity === "error").length;
    const warnings = env.findings.filter((f) => f.severity === "warning").length;
    const failed = env.releases.filter((r) => r.error).length;
    const verdict = env.valid ? "valid" : "INVALID";
    out.push(
      `${env.environment}: ${verdict} — ${env.summary.create} objects in ${env.releases.length} releases, ` +
        `${errors} errors, ${warnings} warnings${failed ? `, ${failed} releases failed to render` : ""}`,
    );
    for (const f of sortFindings(env.findings)) out.push(`  ${formatFinding(f)}`);
  }
  return `${out.join("\n")}\n`;
}

function sortFindings(findings: Finding[]): Finding[] {
  const order = { error: 0, warning: 1, info: 2 };
  return [...findings].sort((a, b) => order[a.severity] - order[b.severity]);
}

function formatFinding(f: Finding): string {
  const where = `${f.file}${f.line ? `:${f.line}` : ""}`;
  return escapeControl(`${f.severity} [${f.rule}] ${where}${f.object ? ` ${f.object}` : ""}: ${f.message}`);
}
