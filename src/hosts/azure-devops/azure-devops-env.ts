import { z } from "zod";
import { envInvalid } from "../../config/env-invalid.js";
import { parseVariable } from "../../config/parse-variable.js";
import type { RawEnv } from "../../config/raw-env.js";

/** How the bot reaches one Azure DevOps organization (Services) or collection (Server). */
export interface AzureDevOpsEnv {
  /** Collection URL without a trailing slash: `https://dev.azure.com/org` or `https://host/tfs/Collection`. */
  url: string;
  /** A personal access token of the bot's account. */
  token: string;
  /** The service hooks' Basic credentials: the only proof a delivery comes from Azure DevOps. */
  webhookUser: string;
  webhookPassword: string;
  /** `api-version` of every call: 7.1 on Services, 6.0 on Server 2020, 7.0 on Server 2022. */
  apiVersion: string;
  /** The team whose direct members may run write commands; unset: nobody gets more than read. */
  writersGroup?: string;
}

export const AZURE_DEVOPS_VARIABLES = [
  "AZURE_DEVOPS_URL",
  "AZURE_DEVOPS_TOKEN",
  "AZURE_DEVOPS_WEBHOOK_USER",
  "AZURE_DEVOPS_WEBHOOK_PASSWORD",
] as const;

const OPTIONAL = ["AZURE_DEVOPS_API_VERSION", "AZURE_DEVOPS_WRITERS_GROUP"] as const;

const collectionUrl = z
  .string()
  .refine((u) => /^https?:\/\//.test(u) && URL.canParse(u), "must be an http:// or https:// URL")
  .refine((u) => !/[?#]/.test(u), "must not have a query or a fragment")
  .transform((u) => u.replace(/\/+$/, ""))
  .optional();

const apiVersion = z
  .string()
  .regex(/^[0-9]+\.[0-9]+$/, "must be a version such as 7.1 (Server 2022: 7.0, Server 2020: 6.0)")
  .optional();

/** The AZURE_DEVOPS_* variables; the four required ones are all or none. */
export function azureDevOpsEnv(env: RawEnv): AzureDevOpsEnv | undefined {
  const url = parseVariable(env, "AZURE_DEVOPS_URL", collectionUrl);
  const version = parseVariable(env, "AZURE_DEVOPS_API_VERSION", apiVersion);
  const present = [...AZURE_DEVOPS_VARIABLES, ...OPTIONAL].find((n) => env[n] !== undefined);
  if (present === undefined) return undefined;
  const missing = AZURE_DEVOPS_VARIABLES.find((n) => env[n] === undefined);
  if (missing !== undefined) throw envInvalid(missing, `required for Azure DevOps (${present} is set)`);
  const writersGroup = env.AZURE_DEVOPS_WRITERS_GROUP;
  return {
    url: url as string,
    token: env.AZURE_DEVOPS_TOKEN as string,
    webhookUser: env.AZURE_DEVOPS_WEBHOOK_USER as string,
    webhookPassword: env.AZURE_DEVOPS_WEBHOOK_PASSWORD as string,
    apiVersion: version ?? "7.1",
    ...(writersGroup ? { writersGroup } : {}),
  };
}
