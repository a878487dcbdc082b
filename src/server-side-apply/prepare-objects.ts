import { createHash } from "node:crypto";
import type { KubeObject } from "../model/kube-object.js";
import { APPLIED_HASH, ENVIRONMENT_LABEL } from "./strip-server-fields.js";

/**
 * Marks each object with its environment (so one list per kind finds what Zakenak applied) and a hash
 * of its desired state (so a re-apply can tell, without a request per object, what is unchanged).
 */
export function prepareObjects(objects: readonly KubeObject[], environment: string): KubeObject[] {
  return objects.map((o) => {
    const copy = structuredClone(o);
    copy.metadata.labels = { ...copy.metadata.labels, [ENVIRONMENT_LABEL]: environment };
    copy.metadata.annotations = { ...copy.metadata.annotations, [APPLIED_HASH]: desiredHash(o) };
    return copy;
  });
}

export function desiredHash(obj: KubeObject): string {
  return createHash("sha256").update(canonicalJson(obj)).digest("hex").slice(0, 32);
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}
