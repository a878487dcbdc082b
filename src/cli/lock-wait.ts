import type { LockInfo } from "../applying/lock/read-lock.js";
import type { EnvironmentLockOptions } from "../applying/lock-environment.js";
import { ZakenakError } from "../errors.js";
import type { ClusterSession } from "./cluster-options.js";

/** Options of the commands that change an environment (apply, rollback). */
export const CHANGE_OPTIONS = {
  "no-wait": { type: "boolean" },
  "lock-timeout": { type: "string", default: "300" },
  "lease-seconds": { type: "string", default: "30" },
} as const;

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

/** Checks the lock options before anything connects, so a typo fails at once. */
export function parseLockArgs(values: { "lock-timeout"?: string; "lease-seconds"?: string }): {
  lockWaitMs: number;
  leaseSeconds: number;
} {
  const lockWaitMs = parseSeconds(values["lock-timeout"], "--lock-timeout") * 1000;
  const leaseSeconds = parseSeconds(values["lease-seconds"], "--lease-seconds");
  if (leaseSeconds < 1) throw new ZakenakError("usage", "--lease-seconds must be at least 1");
  return { lockWaitMs, leaseSeconds };
}

/** How a CLI command holds the environment lock: as this process, telling the user while it waits. */
export function cliLockOptions(
  session: ClusterSession,
  parsed: { lockWaitMs: number; leaseSeconds: number },
  log: (line: string) => void,
): EnvironmentLockOptions {
  return {
    holder: session.holder,
    holderDescription: session.holderDescription,
    ...parsed,
    onLockWait: (info) => log(describeLockWait(session.environment.name, info)),
  };
}
