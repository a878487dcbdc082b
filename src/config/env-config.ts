import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ZakenakError } from "../errors.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** GitHub refuses to send payloads over 25 MB; no host sends more. */
export const DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024;

/** A GitHub App, configured with Probot's own variable names. */
export interface GithubEnv {
  appId: string;
  /** PEM, already decoded from PRIVATE_KEY (escaped newlines or base64) or read from PRIVATE_KEY_PATH. */
  privateKey: string;
  webhookSecret: string;
  /** REST base: `https://api.github.com`, or `<GHE_PROTOCOL>://<GHE_HOST>/api/v3` for Enterprise Server. */
  baseUrl: string;
}

/** A host reached with one API token and a webhook secret (GitLab, Gitea/Forgejo). */
export interface TokenHostEnv {
  /** Instance URL without a trailing slash, e.g. `https://gitlab.example.com`. */
  url: string;
  token: string;
  webhookSecret: string;
}

/** How the queue workers run, in `serve` and in `worker`. */
export interface WorkerEnv {
  /** Jobs one process runs at once (ZAKENAK_WORKER_CONCURRENCY, default 4). */
  concurrency: number;
  /** Wait for health after an apply (ZAKENAK_APPLY_WAIT; false only for clusters without controllers). */
  applyWait: boolean;
  /** How long an apply waits for another holding the environment's lock (ZAKENAK_LOCK_WAIT_SECONDS). */
  lockWaitMs: number;
}

/** The bot's process configuration. Holds secrets: never log it, never put it in job data. */
export interface EnvConfig {
  port: number;
  redisUrl: string;
  /**
   * `owner/name` globs (`*` within one path segment, `**` across segments, case-insensitive; `*` alone
   * for every repository). With the server configuration's repositories, what is served; empty and no
   * server configuration: `serve` refuses to start.
   */
  repoAllowlist: string[];
  maxBodyBytes: number;
  /** The operator's server configuration file (`ZAKENAK_SERVER_CONFIG`); unset: single-tenant mode. */
  serverConfig?: string;
  /** Kubeconfig path (or a list, as kubectl reads it); unset: in-cluster or `~/.kube/config`. */
  kubeconfig?: string;
  dashboardToken?: string;
  logLevel: LogLevel;
  workers: WorkerEnv;
  /** A host is enabled when all of its variables are set. */
  github?: GithubEnv;
  gitlab?: TokenHostEnv;
  gitea?: TokenHostEnv;
}

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

const httpUrl = z
  .string()
  .refine((u) => /^https?:\/\//.test(u) && URL.canParse(u), "must be an http:// or https:// URL")
  .transform((u) => u.replace(/\/+$/, ""));

const ALLOWLIST_GLOB = /^(\*\*?|[A-Za-z0-9._*-]+(\/[A-Za-z0-9._*-]+)+)$/;

const schema = z.object({
  PORT: wholeNumber(0, 65535).default(3000),
  REDIS_URL: z
    .string()
    .refine((u) => /^rediss?:\/\//.test(u) && URL.canParse(u), "must be a redis:// or rediss:// URL")
    .default("redis://127.0.0.1:6379"),
  ZAKENAK_REPO_ALLOWLIST: z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((g) => g.trim())
        .filter(Boolean),
    )
    .superRefine((globs, ctx) => {
      const bad = globs.find((g) => !ALLOWLIST_GLOB.test(g));
      if (bad !== undefined) ctx.addIssue({ code: "custom", message: `"${bad}" is not an owner/name glob` });
    })
    .default([]),
  ZAKENAK_MAX_BODY_BYTES: wholeNumber(1024, 1024 * 1024 * 1024).default(DEFAULT_MAX_BODY_BYTES),
  KUBECONFIG: z.string().optional(),
  ZAKENAK_SERVER_CONFIG: z.string().optional(),
  ZAKENAK_DASHBOARD_TOKEN: z.string().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  ZAKENAK_WORKER_CONCURRENCY: wholeNumber(1, 1000).default(4),
  ZAKENAK_APPLY_WAIT: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(["true", "false", "1", "0"], { error: "must be true or false" }))
    .transform((v) => v === "true" || v === "1")
    .default(true),
  ZAKENAK_LOCK_WAIT_SECONDS: wholeNumber(0, 24 * 60 * 60).default(10 * 60),
  APP_ID: z.string().regex(/^\d+$/, "must be the GitHub App's numeric id").optional(),
  GHE_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "must be a host name, e.g. github.example.com")
    .optional(),
  GHE_PROTOCOL: z.enum(["https", "http"], { error: "must be https or http" }).default("https"),
  GITLAB_URL: httpUrl.optional(),
  GITEA_URL: httpUrl.optional(),
});

type Env = Record<string, string | undefined>;

function invalid(variable: string, problem: string): ZakenakError {
  return new ZakenakError("config-invalid", `${variable}: ${problem}`);
}

/**
 * Reads the process configuration once, at start. A missing or bad value throws
 * `ZakenakError("config-invalid")` whose one-line message names the variable; messages never echo
 * a secret's value. Empty variables count as unset.
 */
export function loadEnvConfig(env: Env = process.env): EnvConfig {
  const set: Env = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(set);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(String(issue?.path[0] ?? "environment"), issue?.message ?? "invalid");
  }
  const v = parsed.data;
  const github = githubEnv(set, v.APP_ID, v.GHE_HOST, v.GHE_PROTOCOL);
  const gitlab = tokenHostEnv(set, "GITLAB", v.GITLAB_URL);
  const gitea = tokenHostEnv(set, "GITEA", v.GITEA_URL);
  return {
    port: v.PORT,
    redisUrl: v.REDIS_URL,
    repoAllowlist: v.ZAKENAK_REPO_ALLOWLIST,
    maxBodyBytes: v.ZAKENAK_MAX_BODY_BYTES,
    logLevel: v.LOG_LEVEL,
    workers: {
      concurrency: v.ZAKENAK_WORKER_CONCURRENCY,
      applyWait: v.ZAKENAK_APPLY_WAIT,
      lockWaitMs: v.ZAKENAK_LOCK_WAIT_SECONDS * 1000,
    },
    ...(v.KUBECONFIG !== undefined ? { kubeconfig: v.KUBECONFIG } : {}),
    ...(v.ZAKENAK_SERVER_CONFIG !== undefined ? { serverConfig: v.ZAKENAK_SERVER_CONFIG } : {}),
    ...(v.ZAKENAK_DASHBOARD_TOKEN !== undefined ? { dashboardToken: v.ZAKENAK_DASHBOARD_TOKEN } : {}),
    ...(github ? { github } : {}),
    ...(gitlab ? { gitlab } : {}),
    ...(gitea ? { gitea } : {}),
  };
}

/** The hosts whose webhooks this configuration accepts, for the start-up log line. */
export function enabledHosts(config: EnvConfig): string[] {
  return (["github", "gitlab", "gitea"] as const).filter((h) => config[h] !== undefined);
}

/** Names the first missing variable of a host group, saying which set one enabled the host. */
function requireAll(env: Env, host: string, names: readonly string[]): void {
  const present = names.find((n) => env[n] !== undefined);
  const missing = names.find((n) => env[n] === undefined);
  if (present !== undefined && missing !== undefined) {
    throw invalid(missing, `required for ${host} (${present} is set)`);
  }
}

function githubEnv(
  env: Env,
  appId: string | undefined,
  gheHost: string | undefined,
  gheProtocol: string,
): GithubEnv | undefined {
  const keyVariable = env.PRIVATE_KEY_PATH !== undefined ? "PRIVATE_KEY_PATH" : "PRIVATE_KEY";
  requireAll(env, "GitHub", ["APP_ID", keyVariable, "WEBHOOK_SECRET"]);
  if (env.GHE_HOST !== undefined) requireAll(env, "GitHub Enterprise", ["GHE_HOST", "APP_ID"]);
  if (appId === undefined || env.WEBHOOK_SECRET === undefined) return undefined;
  return {
    appId,
    privateKey: readPrivateKey(env),
    webhookSecret: env.WEBHOOK_SECRET,
    baseUrl: gheHost ? `${gheProtocol}://${gheHost}/api/v3` : "https://api.github.com",
  };
}

function readPrivateKey(env: Env): string {
  if (env.PRIVATE_KEY !== undefined && env.PRIVATE_KEY_PATH !== undefined) {
    throw invalid("PRIVATE_KEY_PATH", "set either PRIVATE_KEY or PRIVATE_KEY_PATH, not both");
  }
  let variable = "PRIVATE_KEY";
  let raw = env.PRIVATE_KEY;
  if (raw === undefined) {
    variable = "PRIVATE_KEY_PATH";
    const path = env.PRIVATE_KEY_PATH ?? "";
    try {
      raw = readFileSync(path, "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw invalid(variable, `cannot read ${path}: ${reason}`);
    }
  }
  const pem = decodePem(raw);
  try {
    createPrivateKey(pem);
  } catch {
    // The crypto error is not shown: nothing of the key's content may reach a log.
    throw invalid(variable, "is not a PEM private key (nor base64 of one)");
  }
  return pem;
}

/** Probot's accepted spellings: PEM, PEM with `\n` escapes (one-line env files), or base64 of PEM. */
function decodePem(raw: string): string {
  if (raw.includes("-----BEGIN")) return raw.replaceAll("\\n", "\n");
  const decoded = Buffer.from(raw, "base64").toString("utf8");
  return decoded.includes("-----BEGIN") ? decoded : raw;
}

function tokenHostEnv(
  env: Env,
  prefix: "GITLAB" | "GITEA",
  url: string | undefined,
): TokenHostEnv | undefined {
  const names = [`${prefix}_URL`, `${prefix}_TOKEN`, `${prefix}_WEBHOOK_SECRET`] as const;
  requireAll(env, prefix === "GITLAB" ? "GitLab" : "Gitea", names);
  const token = env[names[1]];
  const webhookSecret = env[names[2]];
  if (url === undefined || token === undefined || webhookSecret === undefined) return undefined;
  return { url, token, webhookSecret };
}
