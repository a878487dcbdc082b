import { isZakenakError, type ZakenakError } from "../../errors.js";
import { type HostCall, hostError } from "../shared/host-error.js";

interface OctokitFailure {
  message?: string;
  status?: number;
  response?: { status: number; headers?: Record<string, string | number | undefined> };
}

/** Whether an Octokit error is an answer with this status (not a network failure). */
export function hasStatus(error: unknown, status: number): boolean {
  return (error as OctokitFailure | undefined)?.response?.status === status;
}

/**
 * An Octokit failure as a ZakenakError. Octokit reports a request that got no answer as status 500 without a
 * response; that is a network failure and retryable either way. Octokit already redacts the Authorization
 * header in what it keeps; the message is still scrubbed of token-shaped text.
 */
export function gitHubError(call: HostCall, error: unknown): ZakenakError {
  if (isZakenakError(error)) return error;
  const failure = (error ?? {}) as OctokitFailure;
  const detail = failure.message ?? String(error);
  if (!failure.response) return hostError(call, { detail });
  return hostError(call, { status: failure.response.status, detail, headers: failure.response.headers });
}
