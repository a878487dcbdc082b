import type { Finding, RenderedObject } from "../../planning/types.js";
import { apiGroup, finding, isRecord } from "../objects.js";
import { hasSchema } from "../schema/load-validator.js";

/**
 * Built-in kinds that are cluster-scoped. The OpenAPI schemas in `kubernetes-models` carry no scope, so this
 * one list is kept by hand; every other built-in kind (one `kubernetes-models` has a schema for) is namespaced.
 */
const CLUSTER_SCOPED = new Set([
  "/Namespace",
  "/Node",
  "/PersistentVolume",
  "/ComponentStatus",
  "rbac.authorization.k8s.io/ClusterRole",
  "rbac.authorization.k8s.io/ClusterRoleBinding",
  "apiextensions.k8s.io/CustomResourceDefinition",
  "apiregistration.k8s.io/APIService",
  "admissionregistration.k8s.io/MutatingWebhookConfiguration",
  "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
  "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
  "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
  "admissionregistration.k8s.io/MutatingAdmissionPolicy",
  "admissionregistration.k8s.io/MutatingAdmissionPolicyBinding",
  "storage.k8s.io/StorageClass",
  "storage.k8s.io/CSIDriver",
  "storage.k8s.io/CSINode",
  "storage.k8s.io/VolumeAttachment",
  "storage.k8s.io/VolumeAttributesClass",
  "scheduling.k8s.io/PriorityClass",
  "node.k8s.io/RuntimeClass",
  "networking.k8s.io/IngressClass",
  "networking.k8s.io/IPAddress",
  "networking.k8s.io/ServiceCIDR",
  "certificates.k8s.io/CertificateSigningRequest",
  "certificates.k8s.io/ClusterTrustBundle",
  "flowcontrol.apiserver.k8s.io/FlowSchema",
  "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
  "resource.k8s.io/DeviceClass",
  "resource.k8s.io/ResourceSlice",
  "authentication.k8s.io/TokenReview",
  "authentication.k8s.io/SelfSubjectReview",
  "authorization.k8s.io/SubjectAccessReview",
  "authorization.k8s.io/SelfSubjectAccessReview",
  "authorization.k8s.io/SelfSubjectRulesReview",
  "storagemigration.k8s.io/StorageVersionMigration",
  "internal.apiserver.k8s.io/StorageVersion",
]);

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
  if (CLUSTER_SCOPED.has(key)) return "Cluster";
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
