/** Error codes the CLI and workers act on; the retry decision is made from `retryable` alone. */
export type ErrorCode =
  | "config-invalid"
  | "config-missing"
  | "path-outside-repo"
  | "file-missing"
  | "yaml-invalid"
  | "render-failed"
  | "tool-missing"
  | "git-ref-missing"
  | "git-failed"
  | "usage"
  | "cluster-unavailable"
  | "internal"
  | "apply-conflict"
  | "conflict"
  | "not-found"
  | "invalid"
  | "forbidden"
  | "unauthorized"
  | "unknown-kind"
  | "locked"
  | "lock-lost"
  | "revision-missing"
  | "revision-incomplete"
  | "history-too-large"
  | "redis-unavailable"
  | "host-error"
  | "host-unavailable"
  | "archive-too-large"
  | "input-too-large"
  | "not-deployed";

export class ZakenakError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "ZakenakError";
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }
}

export function isZakenakError(err: unknown): err is ZakenakError {
  return err instanceof ZakenakError;
}
