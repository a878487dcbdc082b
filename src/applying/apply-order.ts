import type { KubeObject } from "../model/kube-object.js";

/** Kinds applied, and waited for, before everything else: what the other objects need to exist. */
const FIRST_STAGE = new Set(["Namespace", "CustomResourceDefinition"]);

/** Splits objects into the stages of an apply: Namespaces and CRDs first, then the rest. */
export function applyStages(objects: readonly KubeObject[]): [KubeObject[], KubeObject[]] {
  const first: KubeObject[] = [];
  const rest: KubeObject[] = [];
  for (const o of objects) (FIRST_STAGE.has(o.kind) ? first : rest).push(o);
  return [first, rest];
}
