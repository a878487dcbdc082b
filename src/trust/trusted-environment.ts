import { ZakenakError } from "../errors.js";
import type { TrustedEnvironment, TrustedPolicy } from "./trusted-policy.js";

/** The environment as the trusted policy has it; refused or unknown ones are refused by name. */
export function trustedEnvironment(policy: TrustedPolicy, name: string): TrustedEnvironment {
  const env = policy.environments.find((e) => e.name === name);
  if (env) return env;
  const refused = policy.refused.find((e) => e.name === name);
  throw new ZakenakError(
    "forbidden",
    refused
      ? `[${refused.rule}] ${refused.reason}; nothing was applied`
      : `environment ${name} is not on the default branch ${policy.defaultBranch}; nothing was applied`,
  );
}
