import type { KubeObject } from "../model/kube-object.js";
import { isSecret } from "../model/secret-forms.js";
import { maskSecretValues } from "./mask-secret-values.js";

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
const MASK = "***";

/**
 * Masks Secret values on both sides of a change: equal values become `***`, changed ones
 * `*** (before)` / `*** (after)`, so a reviewer sees which keys changed but never a value.
 * Returns copies; the inputs are left alone. In anything else, strings equal to a `known` Secret value
 * are masked (`maskSecretValues`); the rest passes through unchanged.
 */
export function maskSecretPair(
  before: KubeObject | undefined,
  after: KubeObject | undefined,
  known: ReadonlySet<string> = new Set(),
): [KubeObject | undefined, KubeObject | undefined] {
  if (!isSecret(before) && !isSecret(after)) return maskSecretValues(before, after, known);
  const b = isSecret(before) ? maskedCopy(before) : before;
  const a = isSecret(after) ? maskedCopy(after) : after;
  for (const field of ["data", "stringData"] as const) {
    const bv = (before?.[field] ?? {}) as Record<string, unknown>;
    const av = (after?.[field] ?? {}) as Record<string, unknown>;
    for (const key of new Set([...Object.keys(bv), ...Object.keys(av)])) {
      const changed = key in bv && key in av && bv[key] !== av[key];
      if (b && key in bv) (b[field] as Record<string, unknown>)[key] = changed ? `${MASK} (before)` : MASK;
      if (a && key in av) (a[field] as Record<string, unknown>)[key] = changed ? `${MASK} (after)` : MASK;
    }
  }
  return [b, a];
}

/** A copy of a Secret with every value, and kubectl's last-applied copy of it, replaced by `***`. */
export function maskSecret<T extends KubeObject | undefined>(obj: T): T {
  return (isSecret(obj) ? maskedCopy(obj) : obj) as T;
}

function maskedCopy(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  for (const field of ["data", "stringData"] as const) {
    const values = copy[field];
    if (values && typeof values === "object") {
      for (const key of Object.keys(values)) (values as Record<string, unknown>)[key] = MASK;
    } else if (values !== undefined) {
      copy[field] = MASK;
    }
  }
  const annotations = copy.metadata.annotations;
  if (annotations && LAST_APPLIED in annotations) annotations[LAST_APPLIED] = MASK;
  return copy;
}
