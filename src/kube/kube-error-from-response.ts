import { type FieldConflict, KubeApiError, type StatusCause } from "./kube-api-error.js";
import { describeRbacDenial } from "./rbac-denial.js";
import type { Scrubber } from "./secret-scrubber.js";

/** What a request was doing, for messages: `apply` + `Deployment ai/ollama`. */
export interface RequestDescription {
  action: string;
  target: string;
  server: string;
  /** True for server-side apply, where a 409 means field-manager conflicts. */
  apply?: boolean;
  scrub: Scrubber;
}

interface StatusBody {
  kind?: unknown;
  message?: unknown;
  reason?: unknown;
  details?: { causes?: unknown };
}

function asStatus(body: unknown): StatusBody | undefined {
  return body !== null && typeof body === "object" && (body as StatusBody).kind === "Status"
    ? (body as StatusBody)
    : undefined;
}

function statusCauses(status: StatusBody | undefined, scrub: Scrubber): StatusCause[] {
  const raw = status?.details?.causes;
  if (!Array.isArray(raw)) return [];
  return raw.map((c: Record<string, unknown>) => ({
    ...(typeof c.field === "string" ? { field: c.field } : {}),
    ...(typeof c.reason === "string" ? { reason: c.reason } : {}),
    message: scrub(typeof c.message === "string" ? c.message : ""),
  }));
}

/** `conflict with "kubectl-edit" using apps/v1` → `kubectl-edit`. */
function conflictsOf(causes: StatusCause[]): FieldConflict[] {
  return causes
    .filter((c) => c.reason === "FieldManagerConflict" || c.message.startsWith("conflict with"))
    .map((c) => ({
      field: c.field ?? "(unknown field)",
      manager: /conflict with "([^"]*)"/.exec(c.message)?.[1] ?? "(unknown manager)",
    }));
}

/** The error for a non-2xx response. `body` is the parsed JSON, or the raw text when it was not JSON. */
export function kubeErrorFromResponse(
  status: number,
  body: unknown,
  req: RequestDescription,
  retryAfterSeconds?: number,
): KubeApiError {
  const st = asStatus(body);
  const reason = typeof st?.reason === "string" ? st.reason : undefined;
  const serverMessage =
    typeof st?.message === "string" && st.message
      ? st.message
      : `HTTP ${status}${typeof body === "string" && body.trim() ? `: ${body.trim().slice(0, 300)}` : ""}`;
  const message = `${req.action} ${req.target}: ${req.scrub(serverMessage)}`;
  const causes = statusCauses(st, req.scrub);
  const base = { status, reason, causes };

  if (status === 409 && req.apply) {
    const conflicts = conflictsOf(causes);
    if (conflicts.length > 0) {
      const owned = conflicts.map((c) => `${c.field} is owned by "${c.manager}"`).join(", ");
      return new KubeApiError(
        "apply-conflict",
        `field-manager conflict on ${req.target}: ${owned}; set forceConflicts: true on the environment to take it over`,
        { ...base, conflicts },
      );
    }
  }
  if (status === 409 || status === 410) return new KubeApiError("conflict", message, base);
  if (status === 404) return new KubeApiError("not-found", message, base);
  if (status === 400 || status === 413 || status === 415 || status === 422) {
    return new KubeApiError("invalid", message, base);
  }
  if (status === 401) {
    return new KubeApiError(
      "unauthorized",
      `${message} (the API server at ${req.server} did not accept the kubeconfig's credentials)`,
      base,
    );
  }
  if (status === 403) {
    const denial = describeRbacDenial(serverMessage);
    // The server's sentence buries who lacks what; said first, the fix (a Role, a binding) is plain.
    const text = denial
      ? `${req.action} ${req.target}: forbidden: ${denial} (refused by the API server at ${req.server})`
      : message;
    return new KubeApiError("forbidden", text, base);
  }
  // Overload (429), and 5xx from the server, its etcd, a webhook or a proxy in front: all transient.
  if (status === 429 || status >= 500) {
    return new KubeApiError("cluster-unavailable", message, { ...base, retryAfterSeconds, retryable: true });
  }
  return new KubeApiError("internal", message, base);
}

const TRANSIENT_NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/** The error for a request that got no response: refused, reset, timed out, TLS failure. */
export function kubeErrorFromNetwork(err: unknown, req: RequestDescription): KubeApiError {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === "string" ? e.code : undefined;
  const detail = code && !e.message?.includes(code) ? `${code}: ${e.message}` : (e?.message ?? String(err));
  // A certificate the client does not trust will not fix itself; a dead or busy server may.
  const retryable = code === undefined || TRANSIENT_NETWORK_CODES.has(code) || /socket hang up/i.test(detail);
  return new KubeApiError(
    "cluster-unavailable",
    `${req.action} ${req.target}: cannot reach the API server at ${req.server} (${req.scrub(detail)})`,
    { retryable, cause: err },
  );
}
