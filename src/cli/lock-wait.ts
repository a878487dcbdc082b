import type { LockInfo } from "../applying/lock/read-lock.js";
import { ZakenakError } from "../errors.js";

export function describeLockWait(environment: string, info: LockInfo): string {
  return `waiting for the lock on ${environment}, held by ${info.description}`;
}

/** A whole number of seconds from an option value; the error names the option. */
export function parseSeconds(value: string | undefined, option: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0) {
    throw new ZakenakError("usage", `${option} must be a whole number of seconds, got "${value}"`);
  }
  return n;
}
