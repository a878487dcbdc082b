import { isKubeApiError, type KubeErrorCode } from "../../kube/kube-api-error.js";

/** True when err is a KubeClient error with this code. */
export function isKubeError(err: unknown, code: KubeErrorCode): boolean {
  return isKubeApiError(err) && err.code === code;
}

/**
 * True for a write that lost a race: a replace with a stale resourceVersion, or a create of a name that
 * exists by now (the API server answers both with 409, code `conflict`).
 */
export function isWriteConflict(err: unknown): boolean {
  return isKubeError(err, "conflict");
}
