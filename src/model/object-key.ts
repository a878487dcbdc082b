import type { KubeObject } from "./kube-object.js";

/** API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` (core). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

/** Identity of an object across API versions: group/kind/namespace/name. */
export function objectKey(obj: KubeObject): string {
  return `${apiGroup(obj.apiVersion)}/${obj.kind}/${obj.metadata.namespace ?? ""}/${obj.metadata.name ?? ""}`;
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects, as shown to people. */
export function objectRef(obj: Pick<KubeObject, "kind" | "metadata">): string {
  const ns = obj.metadata.namespace;
  return ns
    ? `${obj.kind}/${ns}/${obj.metadata.name ?? "(unnamed)"}`
    : `${obj.kind}/${obj.metadata.name ?? "(unnamed)"}`;
}
