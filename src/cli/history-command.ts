import { parseArgs } from "node:util";
import { listRevisions } from "../applying/history/list-revisions.js";
import type { RevisionSummary } from "../applying/history/revision.js";
import { readLock } from "../applying/lock/read-lock.js";
import { ZakenakError } from "../errors.js";
import { escapeControl } from "../reporting/escape-control.js";
import type { CliIo } from "./cli-io.js";
import { CLUSTER_OPTIONS, openCluster } from "./cluster-options.js";

/** `zakenak history --env NAME`: the revisions stored in the cluster, newest first; never their content. */
export async function historyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...CLUSTER_OPTIONS, format: { type: "string", default: "text" } },
    strict: true,
  });
  if (values.format !== "text" && values.format !== "json")
    throw new ZakenakError("usage", "--format must be one of text, json");
  const session = await openCluster(values, io, "history");
  try {
    const env = session.environment.name;
    const [revisions, lock] = await Promise.all([
      listRevisions(session.client, env),
      readLock(session.client, env),
    ]);
    if (values.format === "json") {
      io.stdout.write(`${JSON.stringify({ environment: env, lock: lock ?? null, revisions }, null, 2)}\n`);
      return 0;
    }
    if (lock && !lock.expired)
      io.stdout.write(
        `locked by ${escapeControl(lock.description)} since ${lock.acquiredAt?.toISOString() ?? "?"}\n`,
      );
    if (revisions.length === 0) {
      io.stdout.write(`no revisions recorded for ${env}\n`);
      return 0;
    }
    io.stdout.write(historyTable(revisions));
    return 0;
  } finally {
    session.client.close();
  }
}

function historyTable(revisions: RevisionSummary[]): string {
  const rows = revisions.map((r) => [
    String(r.number),
    r.result,
    r.trigger + (r.rollbackOf !== undefined ? ` of ${r.rollbackOf}` : ""),
    r.sha.slice(0, 12),
    r.ref,
    r.actor,
    r.startedAt.toISOString().replace(/\.\d+Z$/, "Z"),
    String(r.objectCount),
    r.message ?? "",
  ]);
  const head = ["REV", "RESULT", "TRIGGER", "SHA", "REF", "ACTOR", "STARTED", "OBJECTS", "MESSAGE"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  return `${[line(head), ...rows.map(line)].map(escapeControl).join("\n")}\n`;
}
