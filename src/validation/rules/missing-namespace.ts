import { isClusterScoped } from "../../kube/cluster-scoped-kinds.js";
import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";
import { apiGroup, finding, isRecord } from "../objects.js";
import { hasSchema } from "../schema/load-validator.js";

export type Scope = "Namespaced" | "Cluster";

/** Scopes of custom kinds, keyed `group/Kind`, taken from the CustomResourceDefinitions in the render. */
export function crdScopes(items: RenderedObject[]): Map<string, Scope> {
  const scopes = new Map<string, Scope>();
  for (const { object } of items) {
    if (object.kind !== "CustomResourceDefinition" || !isRecord(object.spec)) continue;
    const { group, names, scope } = object.spec;
    if (typeof group !== "string" || !isRecord(names) || typeof names.kind !== "string") continue;
    if (scope === "Namespaced" || scope === "Cluster") scopes.set(`${group}/${names.kind}`, scope);
  }
  return scopes;
}

export function scopeOf(apiVersion: string, kind: string, crds: Map<string, Scope>): Scope | undefined {
  const key = `${apiGroup(apiVersion)}/${kind}`;
  if (isClusterScoped(apiVersion, kind)) return "Cluster";
  const custom = crds.get(key);
  if (custom) return custom;
  if (kind === "List" || kind.endsWith("List")) return undefined;
  return hasSchema(apiVersion, kind) ? "Namespaced" : undefined;
}

/** `missing-namespace`: a namespaced kind without metadata.namespace. Kinds of unknown scope are skipped. */
export function missingNamespace(item: RenderedObject, crds: Map<string, Scope> = new Map()): Finding[] {
  const { apiVersion, kind, metadata } = item.object;
  if (typeof apiVersion !== "string" || typeof kind !== "string") return [];
  if (scopeOf(apiVersion, kind, crds) !== "Namespaced") return [];
  const namespace = isRecord(metadata) ? metadata.namespace : undefined;
  if (typeof namespace === "string" && namespace !== "") return [];
  return [finding("missing-namespace", item, `${kind} is namespaced but has no metadata.namespace`)];
}
