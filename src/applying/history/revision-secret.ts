import type { ObjectRef } from "../../kube/kube-client.js";
import type { DeployedChart } from "../../model/chart-record.js";
import type { KubeObject } from "../../model/kube-object.js";
import { ENVIRONMENT_LABEL, MANAGED_BY_LABEL, SYSTEM_NAMESPACE } from "../lock/system-namespace.js";
import type { RevisionResult, RevisionSummary, RevisionTrigger } from "./revision.js";

export const REVISION_TYPE = "zakenak.io/revision";
export const PART_TYPE = "zakenak.io/revision-part";
export const REVISION_LABEL = "zakenak.io/revision";
export const REVISION_OF_LABEL = "zakenak.io/revision-of";
export const PART_LABEL = "zakenak.io/part";
export const MANIFESTS_KEY = "manifests.json.gz";
export const INVENTORY_KEY = "inventory.json";
export const CHUNK_KEY = "chunk";

/** Annotation keys on the revision Secret; every value is a string. */
export const ann = {
  sha: "zakenak.io/sha",
  ref: "zakenak.io/ref",
  trigger: "zakenak.io/trigger",
  actor: "zakenak.io/actor",
  startedAt: "zakenak.io/started-at",
  finishedAt: "zakenak.io/finished-at",
  result: "zakenak.io/result",
  rollbackOf: "zakenak.io/rollback-of",
  message: "zakenak.io/message",
  objectCount: "zakenak.io/object-count",
  manifestsSha256: "zakenak.io/manifests-sha256",
  compressedBytes: "zakenak.io/manifests-bytes",
  parts: "zakenak.io/parts",
  charts: "zakenak.io/charts",
} as const;

const TRIGGERS: readonly RevisionTrigger[] = ["apply", "rollback", "auto-rollback", "reconcile"];
const RESULTS: readonly RevisionResult[] = ["in-progress", "succeeded", "failed", "rolled-back"];

export function revisionSecretName(environment: string, n: number): string {
  return `zakenak-${environment}-rev-${String(n).padStart(6, "0")}`;
}

export function partSecretName(environment: string, n: number, k: number): string {
  return `${revisionSecretName(environment, n)}-part-${k}`;
}

export function secretRef(name: string): ObjectRef {
  return { apiVersion: "v1", kind: "Secret", namespace: SYSTEM_NAMESPACE, name };
}

/** Selects an environment's revision Secrets, not their parts. */
export function revisionsSelector(environment: string): string {
  return `${ENVIRONMENT_LABEL}=${environment},${REVISION_LABEL}`;
}

export function partsSelector(environment: string, n: number): string {
  return `${ENVIRONMENT_LABEL}=${environment},${REVISION_OF_LABEL}=${n}`;
}

export function historyLabels(environment: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: "zakenak", [ENVIRONMENT_LABEL]: environment };
}

export function secretData(secret: KubeObject): Record<string, string> {
  const data = secret.data;
  return typeof data === "object" && data !== null ? (data as Record<string, string>) : {};
}

/** The summary of a revision Secret, from its labels and annotations only: its data is never read. */
export function summaryFromSecret(environment: string, secret: KubeObject): RevisionSummary {
  const a = secret.metadata.annotations ?? {};
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  const date = (v: string | undefined) => {
    const d = v ? new Date(v) : undefined;
    return d && !Number.isNaN(d.getTime()) ? d : undefined;
  };
  const trigger = a[ann.trigger] as RevisionTrigger;
  const result = a[ann.result] as RevisionResult;
  const rollbackOf = int(a[ann.rollbackOf]);
  const finishedAt = date(a[ann.finishedAt]);
  return {
    environment,
    number: int(secret.metadata.labels?.[REVISION_LABEL]) ?? 0,
    name: secret.metadata.name ?? "",
    sha: a[ann.sha] ?? "",
    ref: a[ann.ref] ?? "",
    trigger: TRIGGERS.includes(trigger) ? trigger : "apply",
    actor: a[ann.actor] ?? "",
    startedAt: date(a[ann.startedAt]) ?? new Date(0),
    ...(finishedAt ? { finishedAt } : {}),
    // An unknown result (a newer zakenak, a hand edit) must never pass for a successful one.
    result: RESULTS.includes(result) ? result : "failed",
    ...(rollbackOf !== undefined ? { rollbackOf } : {}),
    ...(a[ann.message] ? { message: a[ann.message] } : {}),
    objectCount: int(a[ann.objectCount]) ?? 0,
    compressedBytes: int(a[ann.compressedBytes]) ?? 0,
    parts: int(a[ann.parts]) ?? 0,
    ...chartsOf(a[ann.charts]),
  };
}

/** The charts annotation (a JSON list), read leniently: a hand-edited value must not hide the revision. */
function chartsOf(value: string | undefined): { charts?: DeployedChart[] } {
  if (value === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(value);
    if (!Array.isArray(parsed)) return {};
    const text = (v: unknown) => typeof v === "string";
    const charts = parsed.filter(
      (c): c is DeployedChart =>
        typeof c === "object" &&
        c !== null &&
        ["release", "source", "name", "version", "digest"].every((k) =>
          text((c as Record<string, unknown>)[k]),
        ),
    );
    return { charts };
  } catch {
    return {};
  }
}
