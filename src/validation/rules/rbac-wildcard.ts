import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";
import { apiGroup, finding, isRecord } from "../objects.js";

const FIELDS = ["verbs", "resources", "apiGroups"] as const;

/** `rbac-wildcard`: `*` in a Role or ClusterRole rule's verbs, resources or apiGroups. */
export function rbacWildcard(item: RenderedObject): Finding[] {
  const { object } = item;
  if (apiGroup(object.apiVersion) !== "rbac.authorization.k8s.io") return [];
  if (object.kind !== "Role" && object.kind !== "ClusterRole") return [];
  if (!Array.isArray(object.rules)) return [];
  const findings: Finding[] = [];
  object.rules.forEach((rule, i) => {
    if (!isRecord(rule)) return;
    const wild = FIELDS.filter((f) => Array.isArray(rule[f]) && (rule[f] as unknown[]).includes("*"));
    if (wild.length === 0) return;
    const where = wild.map((f) => `rules[${i}].${f}`).join(", ");
    findings.push(
      finding("rbac-wildcard", item, `${object.kind} grants "*" in ${where}; list what is needed`),
    );
  });
  return findings;
}
