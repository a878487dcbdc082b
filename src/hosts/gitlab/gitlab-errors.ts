import { GitbeakerRequestError, GitbeakerRetryError, GitbeakerTimeoutError } from "@gitbeaker/rest";
import { isZakenakError, type ZakenakError } from "../../errors.js";
import { type HostCall, hostError } from "../shared/host-error.js";

/** The HTTP status of a gitbeaker failure that got an answer; undefined for network failures. */
export function gitLabStatus(error: unknown): number | undefined {
  return error instanceof GitbeakerRequestError ? error.cause?.response.status : undefined;
}

/** GitLab's own message of a failed request (`message` or `error` of its JSON body). */
export function gitLabDetail(error: unknown): string {
  if (error instanceof GitbeakerRequestError) return error.cause?.description ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

function networkDetail(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

/**
 * A gitbeaker failure as a ZakenakError. Gitbeaker retries 429 and 502 itself (ten times, quickly) and then
 * throws GitbeakerRetryError, which stays retryable for the job-level retry. Its request errors carry the
 * Request with the PRIVATE-TOKEN header, so only the status and GitLab's message are kept.
 */
export function gitLabError(call: HostCall, error: unknown, token: string): ZakenakError {
  if (isZakenakError(error)) return error;
  if (error instanceof GitbeakerRequestError && error.cause?.response) {
    const { response, description } = error.cause;
    const headers = Object.fromEntries(response.headers.entries());
    return hostError(call, { status: response.status, detail: description, headers }, [token]);
  }
  if (error instanceof GitbeakerRetryError) {
    const status = Number(/last status code: (\d+)/.exec(error.message)?.[1] ?? 503);
    return hostError(call, { status, detail: error.message }, [token]);
  }
  if (error instanceof GitbeakerTimeoutError) return hostError(call, { detail: error.message }, [token]);
  return hostError(call, { detail: networkDetail(error) }, [token]);
}
