import { parseArgs } from "node:util";
import { checkDrift, type DriftReport } from "../drift/check-drift.js";
import { ZakenakError } from "../errors.js";
import { escapeControl } from "../reporting/escape-control.js";
import type { CliIo } from "./cli-io.js";
import { CLUSTER_OPTIONS, openCluster } from "./cluster-options.js";

/**
 * `zakenak drift --env NAME`: the environment's deployed revision (its newest successful one, from the
 * history in the cluster) against the live cluster, as `plan --live` compares. Exit 0 in sync, 2 drifted
 * or missing objects, 1 when it cannot tell (no deployed revision, the cluster unreachable).
 */
export async function driftCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...CLUSTER_OPTIONS, format: { type: "string", default: "text" } },
    strict: true,
  });
  if (values.format !== "text" && values.format !== "json")
    throw new ZakenakError("usage", "--format must be one of text, json");
  const session = await openCluster(values, io, "drift");
  try {
    const { environment } = session;
    const report = await checkDrift(session.client, {
      name: environment.name,
      forceConflicts: environment.forceConflicts === true,
    });
    io.stdout.write(
      values.format === "json"
        ? `${JSON.stringify(driftJson(environment.name, report), null, 2)}\n`
        : driftText(environment.name, report),
    );
    return report.status === "in-sync" ? 0 : 2;
  } finally {
    session.client.close();
  }
}

function driftJson(environment: string, r: DriftReport) {
  return {
    environment,
    status: r.status,
    revision: r.revision,
    sha: r.sha,
    ref: r.ref,
    objects: r.objects,
    changes: r.changes.map((c) => ({
      action: c.action,
      apiVersion: c.apiVersion,
      kind: c.kind,
      namespace: c.namespace ?? null,
      name: c.name,
      diff: c.diff,
    })),
  };
}

function driftText(environment: string, r: DriftReport): string {
  const deployed = `revision ${r.revision} (${r.sha.slice(0, 12)}${r.ref ? `, ${r.ref}` : ""})`;
  if (r.status === "in-sync") return `${environment}: in sync with ${deployed}\n`;
  const what = r.status === "missing" ? "objects missing from" : "drifted from";
  const lines = [`${environment}: ${what} ${deployed}`];
  for (const [i, o] of r.objects.entries()) {
    const name = `${o.kind}/${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
    lines.push(`  ${name}: ${o.missing ? "missing" : o.fields.join(", ") || "changed"}`);
    const diff = r.changes[i]?.diff ?? "";
    if (diff) lines.push(...diff.split("\n").map((l) => `      ${l}`));
  }
  return `${lines.map(escapeControl).join("\n")}\n`;
}
