import type { DriftObject, DriftState } from "./drift-state.js";

/** What a notification says about a drift: the shape the notifiers publish. */
export interface DriftNotice {
  kind: "drift-found" | "drift-healed";
  repository: string;
  environment: string;
  sha?: string;
  ref?: string;
  revision?: number;
  summary: string;
}

const DRIFTED = new Set(["drifted", "missing"]);
const MAX_LISTED = 5;

/**
 * The notice a new check calls for, if any: drift found when the environment became drifted or missing
 * (or went from one to the other), judged against the last check that reached the cluster so an outage
 * in between does not announce the same drift twice.
 */
export function driftFoundNotice(
  previous: DriftState | undefined,
  next: DriftState,
  ref?: string,
): DriftNotice | undefined {
  if (!DRIFTED.has(next.status)) return undefined;
  const before = previous?.status === "unknown" ? previous.lastKnownStatus : previous?.status;
  if (before === next.status) return undefined;
  return {
    kind: "drift-found",
    repository: next.repository,
    environment: next.environment,
    ...(next.sha ? { sha: next.sha } : {}),
    ...(ref ? { ref } : {}),
    ...(next.revision !== undefined ? { revision: next.revision } : {}),
    summary: `${next.environment} ${next.status === "missing" ? "is missing objects of" : "drifted from"} revision ${next.revision}: ${describeObjects(next.objects)}`,
  };
}

/** The objects and fields of a drift in one line, the first few of each. */
export function describeObjects(objects: readonly DriftObject[]): string {
  const listed = objects.slice(0, MAX_LISTED).map((o) => {
    const name = `${o.kind}/${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
    if (o.missing) return `${name} missing`;
    const fields = o.fields.slice(0, MAX_LISTED).join(", ");
    return fields ? `${name} (${fields})` : name;
  });
  const more = objects.length > MAX_LISTED ? [`${objects.length - MAX_LISTED} more`] : [];
  return [...listed, ...more].join("; ");
}
