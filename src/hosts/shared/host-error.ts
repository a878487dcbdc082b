import { type ErrorCode, ZakenakError } from "../../errors.js";
import type { HostKind, RepoRef } from "../host-event.js";

/** Which adapter call failed, for the error message. */
export interface HostCall {
  host: HostKind;
  /** The GitHost method, e.g. `getPullRequest`. */
  call: string;
  repo?: RepoRef;
}

/** What an adapter learned from a failed request. No status means the request never got an answer. */
export interface HostFailure {
  status?: number;
  /** The host's own message (or the network error's); redacted and shortened before use. */
  detail?: string;
  /** Response headers, lower-case names; GitHub signals rate limits on 403s through them. */
  headers?: Record<string, string | number | undefined>;
}

const hostNames: Record<HostKind, string> = {
  github: "GitHub",
  gitlab: "GitLab",
  gitea: "Gitea",
  bitbucket: "Bitbucket",
  "bitbucket-server": "Bitbucket Server",
  "azure-devops": "Azure DevOps",
};

// Token shapes of the hosts, for the case where a host or a proxy echoes a credential back in a message.
const tokenPatterns = [
  /\b(?:gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,})/g,
  /\b(authorization|private-token)(["']?\s*[:=]\s*["']?)(?:(?:bearer|token|basic)\s+)?[^\s"',;]+/gi,
];

/** Removes the given secrets and anything shaped like a host token from a text meant for logs. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // Very short "secrets" would redact ordinary words; no real token is that short.
    if (secret.length >= 6) out = out.split(secret).join("[redacted]");
  }
  out = out.replace(tokenPatterns[0] as RegExp, "[redacted]");
  return out.replace(tokenPatterns[1] as RegExp, "$1$2[redacted]");
}

function isRateLimited(headers: HostFailure["headers"]): boolean {
  if (!headers) return false;
  return headers["retry-after"] !== undefined || String(headers["x-ratelimit-remaining"]) === "0";
}

/** The error code and retry decision for an HTTP status (undefined: no answer, e.g. a reset connection). */
export function classifyStatus(
  status: number | undefined,
  headers?: HostFailure["headers"],
): { code: ErrorCode; retryable: boolean } {
  if (status === undefined || status === 429 || status >= 500)
    return { code: "host-unavailable", retryable: true };
  // GitHub answers a rate-limited request with 403 (primary and secondary limits) and says so in headers.
  if (status === 403 && isRateLimited(headers)) return { code: "host-unavailable", retryable: true };
  switch (status) {
    case 401:
      return { code: "unauthorized", retryable: false };
    case 403:
      return { code: "forbidden", retryable: false };
    case 404:
      return { code: "not-found", retryable: false };
    case 422:
      return { code: "invalid", retryable: false };
    // Concurrent updates (e.g. GitLab statuses) conflict; a later try usually goes through.
    case 409:
      return { code: "conflict", retryable: true };
    default:
      return { code: "host-error", retryable: false };
  }
}

export function describeCall({ host, call, repo }: HostCall): string {
  return `${hostNames[host]} ${call}${repo ? ` on ${repo.fullName}` : ""}`;
}

/**
 * The ZakenakError for a failed host request. The message names the host, the call and the repository; the
 * library's own error is not attached as `cause`, since some (gitbeaker's) carry the request with its token.
 */
export function hostError(
  call: HostCall,
  failure: HostFailure,
  secrets: readonly string[] = [],
): ZakenakError {
  const { code, retryable } = classifyStatus(failure.status, failure.headers);
  const what = failure.status === undefined ? "no response" : `HTTP ${failure.status}`;
  const detail = failure.detail ? redactSecrets(failure.detail, secrets).replace(/\s+/g, " ").trim() : "";
  const shown = detail.length > 300 ? `${detail.slice(0, 300)}…` : detail;
  return new ZakenakError(code, `${describeCall(call)} failed: ${what}${shown ? `: ${shown}` : ""}`, {
    retryable,
  });
}
