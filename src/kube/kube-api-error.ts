import { type ErrorCode, ZakenakError } from "../errors.js";

/** A field another field manager owns, from a server-side apply conflict. */
export interface FieldConflict {
  /** Field path as the server prints it, e.g. `.spec.replicas`. */
  field: string;
  manager: string;
}

/** One of the server's reasons for rejecting an object (Status `details.causes`). */
export interface StatusCause {
  field?: string;
  reason?: string;
  message: string;
}

export type KubeErrorCode = Extract<
  ErrorCode,
  | "apply-conflict"
  | "conflict"
  | "not-found"
  | "invalid"
  | "forbidden"
  | "unauthorized"
  | "unknown-kind"
  | "cluster-unavailable"
  | "internal"
>;

export interface KubeApiErrorOptions {
  /** HTTP status; undefined when no response arrived (network errors, timeouts). */
  status?: number;
  /** The Status object's `reason`, e.g. `Conflict`, `Invalid`, `AlreadyExists`. */
  reason?: string;
  causes?: StatusCause[];
  conflicts?: FieldConflict[];
  /** The server's Retry-After, in seconds (429 and some 5xx). */
  retryAfterSeconds?: number;
  retryable?: boolean;
  cause?: unknown;
}

/** An API server call that failed; `code` and `retryable` are what callers decide on. */
export class KubeApiError extends ZakenakError {
  readonly status: number | undefined;
  readonly reason: string | undefined;
  /** Server-reported causes (for `invalid`), already scrubbed of Secret values. */
  readonly causes: StatusCause[];
  /** Fields owned by other managers (for `apply-conflict`). */
  readonly conflicts: FieldConflict[];
  /** How long the server asked callers to wait before retrying, when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: KubeErrorCode, message: string, opts: KubeApiErrorOptions = {}) {
    super(code, message, { retryable: opts.retryable, cause: opts.cause });
    this.name = "KubeApiError";
    this.status = opts.status;
    this.reason = opts.reason;
    this.causes = opts.causes ?? [];
    this.conflicts = opts.conflicts ?? [];
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export function isKubeApiError(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError;
}
