import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { envInvalid } from "../../config/env-invalid.js";
import { parseVariable } from "../../config/parse-variable.js";
import type { RawEnv } from "../../config/raw-env.js";
import { requireAllVariables } from "../../config/require-all-variables.js";

/** A GitHub App, configured with Probot's own variable names. */
export interface GithubEnv {
  appId: string;
  /** PEM, already decoded from PRIVATE_KEY (escaped newlines or base64) or read from PRIVATE_KEY_PATH. */
  privateKey: string;
  webhookSecret: string;
  /** REST base: `https://api.github.com`, or `<GHE_PROTOCOL>://<GHE_HOST>/api/v3` for Enterprise Server. */
  baseUrl: string;
}

const appIdSchema = z.string().regex(/^\d+$/, "must be the GitHub App's numeric id").optional();
const gheHostSchema = z
  .string()
  .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "must be a host name, e.g. github.example.com")
  .optional();
const gheProtocolSchema = z.enum(["https", "http"], { error: "must be https or http" }).default("https");

/** The GitHub App from APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH), WEBHOOK_SECRET and GHE_HOST/GHE_PROTOCOL. */
export function githubEnv(env: RawEnv): GithubEnv | undefined {
  const appId = parseVariable(env, "APP_ID", appIdSchema);
  const gheHost = parseVariable(env, "GHE_HOST", gheHostSchema);
  const gheProtocol = parseVariable(env, "GHE_PROTOCOL", gheProtocolSchema);
  const keyVariable = env.PRIVATE_KEY_PATH !== undefined ? "PRIVATE_KEY_PATH" : "PRIVATE_KEY";
  requireAllVariables(env, "GitHub", ["APP_ID", keyVariable, "WEBHOOK_SECRET"]);
  if (env.GHE_HOST !== undefined) requireAllVariables(env, "GitHub Enterprise", ["GHE_HOST", "APP_ID"]);
  if (appId === undefined || env.WEBHOOK_SECRET === undefined) return undefined;
  return {
    appId,
    privateKey: readPrivateKey(env),
    webhookSecret: env.WEBHOOK_SECRET,
    baseUrl: gheHost ? `${gheProtocol}://${gheHost}/api/v3` : "https://api.github.com",
  };
}

function readPrivateKey(env: RawEnv): string {
  if (env.PRIVATE_KEY !== undefined && env.PRIVATE_KEY_PATH !== undefined) {
    throw envInvalid("PRIVATE_KEY_PATH", "set either PRIVATE_KEY or PRIVATE_KEY_PATH, not both");
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
      throw envInvalid(variable, `cannot read ${path}: ${reason}`);
    }
  }
  const pem = decodePem(raw);
  try {
    createPrivateKey(pem);
  } catch {
    // The crypto error is not shown: nothing of the key's content may reach a log.
    throw envInvalid(variable, "is not a PEM private key (nor base64 of one)");
  }
  return pem;
}

/** Probot's accepted spellings: PEM, PEM with `\n` escapes (one-line env files), or base64 of PEM. */
function decodePem(raw: string): string {
  if (raw.includes("-----BEGIN")) return raw.replaceAll("\\n", "\n");
  const decoded = Buffer.from(raw, "base64").toString("utf8");
  return decoded.includes("-----BEGIN") ? decoded : raw;
}
