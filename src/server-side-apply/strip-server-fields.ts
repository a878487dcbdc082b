import type { KubeObject } from "../model/kube-object.js";

export const APPLIED_HASH = "zakenak.io/applied-hash";
export const ENVIRONMENT_LABEL = "zakenak.io/deployed-to";
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * A copy of a live or dry-run object without what the server maintains (managedFields, resourceVersion,
 * uid, generation, timestamps, status) and without Zakenak's own bookkeeping, so that a diff shows only
 * what a person would change.
 */
export function stripServerFields(obj: KubeObject): KubeObject {
  const { status: _status, ...rest } = obj;
  const copy = structuredClone(rest) as KubeObject;
  const meta = copy.metadata;
  for (const key of [
    "managedFields",
    "resourceVersion",
    "uid",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "selfLink",
  ]) {
    delete meta[key];
  }
  if (meta.annotations) {
    delete meta.annotations[APPLIED_HASH];
    delete meta.annotations[LAST_APPLIED];
    if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  }
  if (meta.labels) {
    delete meta.labels[ENVIRONMENT_LABEL];
    if (Object.keys(meta.labels).length === 0) delete meta.labels;
  }
  return copy;
}
