import { envInvalid } from "./env-invalid.js";
import type { RawEnv } from "./raw-env.js";

/**
 * A group of variables is all or nothing: when some are set, names the first missing one and which set
 * one enabled the group (`WEBHOOK_SECRET: required for GitHub (APP_ID is set)`).
 */
export function requireAllVariables(env: RawEnv, group: string, names: readonly string[]): void {
  const present = names.find((n) => env[n] !== undefined);
  const missing = names.find((n) => env[n] === undefined);
  if (present !== undefined && missing !== undefined) {
    throw envInvalid(missing, `required for ${group} (${present} is set)`);
  }
}
