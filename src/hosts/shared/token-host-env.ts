import { z } from "zod";
import { parseVariable } from "../../config/parse-variable.js";
import type { RawEnv } from "../../config/raw-env.js";
import { requireAllVariables } from "../../config/require-all-variables.js";

/** A host reached with one API token and a webhook secret (GitLab, Gitea/Forgejo). */
export interface TokenHostEnv {
  /** Instance URL without a trailing slash, e.g. `https://gitlab.example.com`. */
  url: string;
  token: string;
  webhookSecret: string;
}

const httpUrl = z
  .string()
  .refine((u) => /^https?:\/\//.test(u) && URL.canParse(u), "must be an http:// or https:// URL")
  .transform((u) => u.replace(/\/+$/, ""))
  .optional();

/** `<PREFIX>_URL`, `<PREFIX>_TOKEN` and `<PREFIX>_WEBHOOK_SECRET`, all or none; `name` is the host's, for messages. */
export function tokenHostEnv(env: RawEnv, prefix: string, name: string): TokenHostEnv | undefined {
  const names = [`${prefix}_URL`, `${prefix}_TOKEN`, `${prefix}_WEBHOOK_SECRET`] as const;
  const url = parseVariable(env, names[0], httpUrl);
  requireAllVariables(env, name, names);
  const token = env[names[1]];
  const webhookSecret = env[names[2]];
  if (url === undefined || token === undefined || webhookSecret === undefined) return undefined;
  return { url, token, webhookSecret };
}
