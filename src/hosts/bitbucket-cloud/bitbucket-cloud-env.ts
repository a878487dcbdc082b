import { z } from "zod";
import { envInvalid } from "../../config/env-invalid.js";
import { parseVariable } from "../../config/parse-variable.js";
import type { RawEnv } from "../../config/raw-env.js";
import { requireAllVariables } from "../../config/require-all-variables.js";

/** The public REST base; only tests point the bot elsewhere. */
export const BITBUCKET_CLOUD_API_URL = "https://api.bitbucket.org/2.0";

/**
 * How the bot authenticates: an Atlassian API token with its account's e-mail (Basic), or a repository,
 * project or workspace access token (Bearer). App passwords stop working on 2026-07-28 and are not offered.
 */
export type BitbucketCloudAuth =
  | { kind: "api-token"; email: string; token: string }
  | { kind: "access-token"; token: string };

export interface BitbucketCloudEnv {
  /** REST base without a trailing slash, e.g. `https://api.bitbucket.org/2.0`. */
  apiUrl: string;
  auth: BitbucketCloudAuth;
  webhookSecret: string;
}

const P = "BITBUCKET_CLOUD";
const SECRET = `${P}_WEBHOOK_SECRET`;
const EMAIL = `${P}_EMAIL`;
const API_TOKEN = `${P}_API_TOKEN`;
const ACCESS_TOKEN = `${P}_ACCESS_TOKEN`;
const API_URL = `${P}_API_URL`;
const GROUP = "Bitbucket Cloud";

const httpUrl = z
  .string()
  .refine((u) => /^https?:\/\//.test(u) && URL.canParse(u), "must be an http:// or https:// URL")
  .transform((u) => u.replace(/\/+$/, ""))
  .optional();

/**
 * BITBUCKET_CLOUD_WEBHOOK_SECRET plus either BITBUCKET_CLOUD_EMAIL with BITBUCKET_CLOUD_API_TOKEN or
 * BITBUCKET_CLOUD_ACCESS_TOKEN; BITBUCKET_CLOUD_API_URL optional. Undefined when none is set.
 */
export function bitbucketCloudEnv(env: RawEnv): BitbucketCloudEnv | undefined {
  const apiUrl = parseVariable(env, API_URL, httpUrl);
  const names = [SECRET, EMAIL, API_TOKEN, ACCESS_TOKEN, API_URL];
  const present = names.find((n) => env[n] !== undefined);
  if (present === undefined) return undefined;
  if (env[API_TOKEN] !== undefined && env[ACCESS_TOKEN] !== undefined) {
    throw envInvalid(ACCESS_TOKEN, `set either ${ACCESS_TOKEN} or ${EMAIL} with ${API_TOKEN}, not both`);
  }
  // A webhook without a signature is refused, so the secret is never optional.
  requireAllVariables(env, GROUP, [present, SECRET]);
  const webhookSecret = env[SECRET] as string;
  if (env[EMAIL] !== undefined || env[API_TOKEN] !== undefined) {
    requireAllVariables(env, GROUP, [EMAIL, API_TOKEN]);
    return {
      apiUrl: apiUrl ?? BITBUCKET_CLOUD_API_URL,
      auth: { kind: "api-token", email: env[EMAIL] as string, token: env[API_TOKEN] as string },
      webhookSecret,
    };
  }
  const token = env[ACCESS_TOKEN];
  if (token === undefined) {
    throw envInvalid(
      ACCESS_TOKEN,
      `required for ${GROUP} (${present} is set), or ${EMAIL} with ${API_TOKEN}`,
    );
  }
  return { apiUrl: apiUrl ?? BITBUCKET_CLOUD_API_URL, auth: { kind: "access-token", token }, webhookSecret };
}
