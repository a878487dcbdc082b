import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_BODY_BYTES, loadEnvConfig } from "../../src/config/env-config.js";
import { ZakenakError } from "../../src/errors.js";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

const SECRETS = {
  WEBHOOK_SECRET: "gh-hook-secret-0a1b2c",
  GITLAB_TOKEN: "glpat-token-3d4e5f",
  GITLAB_WEBHOOK_SECRET: "gl-hook-secret-6a7b8c",
  GITEA_TOKEN: "gitea-token-9d0e1f",
  GITEA_WEBHOOK_SECRET: "gitea-hook-secret-2a3b4c",
  ZAKENAK_DASHBOARD_TOKEN: "dash-token-5d6e7f",
};

const FULL = {
  APP_ID: "12345",
  PRIVATE_KEY: privateKey,
  WEBHOOK_SECRET: SECRETS.WEBHOOK_SECRET,
  GITLAB_URL: "https://gitlab.example.com/",
  GITLAB_TOKEN: SECRETS.GITLAB_TOKEN,
  GITLAB_WEBHOOK_SECRET: SECRETS.GITLAB_WEBHOOK_SECRET,
  GITEA_URL: "http://127.0.0.1:3001",
  GITEA_TOKEN: SECRETS.GITEA_TOKEN,
  GITEA_WEBHOOK_SECRET: SECRETS.GITEA_WEBHOOK_SECRET,
  ZAKENAK_DASHBOARD_TOKEN: SECRETS.ZAKENAK_DASHBOARD_TOKEN,
};

/** The error loadEnvConfig throws for `env`, checked to be one config-invalid line without secrets. */
function failure(env: Record<string, string | undefined>): string {
  try {
    loadEnvConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ZakenakError);
    const e = error as ZakenakError;
    expect(e.code).toBe("config-invalid");
    expect(e.message).not.toContain("\n");
    for (const secret of [...Object.values(SECRETS), privateKey, "BEGIN RSA"]) {
      expect(e.message).not.toContain(secret);
    }
    return e.message;
  }
  throw new Error("loadEnvConfig accepted the environment");
}

describe("loadEnvConfig", () => {
  it("applies the documented defaults to an empty environment", () => {
    expect(loadEnvConfig({})).toEqual({
      port: 3000,
      redis: { kind: "server", url: "redis://127.0.0.1:6379" },
      repoAllowlist: [],
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      intake: { maxInflight: 64, maxWaiting: 10_000 },
      logLevel: "info",
      workers: {
        concurrency: 4,
        applyWait: true,
        lockWaitMs: 600_000,
        shutdownSeconds: 25,
        stallSeconds: 30,
      },
      hosts: {},
    });
    expect(DEFAULT_MAX_BODY_BYTES).toBe(25 * 1024 * 1024);
  });

  it("enables every host whose variables are all set", () => {
    const config = loadEnvConfig({
      ...FULL,
      PORT: "8080",
      ZAKENAK_REPO_ALLOWLIST: " acme/* , platform/** ,",
      LOG_LEVEL: "debug",
      KUBECONFIG: "/etc/zakenak/kubeconfig",
      ZAKENAK_WORKER_CONCURRENCY: "2",
      ZAKENAK_APPLY_WAIT: "false",
      ZAKENAK_LOCK_WAIT_SECONDS: "30",
    });
    expect(config).toMatchObject({
      port: 8080,
      repoAllowlist: ["acme/*", "platform/**"],
      logLevel: "debug",
      kubeconfig: "/etc/zakenak/kubeconfig",
      workers: { concurrency: 2, applyWait: false, lockWaitMs: 30_000 },
      dashboardToken: SECRETS.ZAKENAK_DASHBOARD_TOKEN,
      hosts: {
        github: {
          appId: "12345",
          privateKey,
          webhookSecret: SECRETS.WEBHOOK_SECRET,
          baseUrl: "https://api.github.com",
        },
        gitlab: { url: "https://gitlab.example.com", token: SECRETS.GITLAB_TOKEN },
        gitea: { url: "http://127.0.0.1:3001", webhookSecret: SECRETS.GITEA_WEBHOOK_SECRET },
      },
    });
  });

  it("reads Probot's private key spellings and GitHub Enterprise's host", () => {
    const escaped = privateKey.replaceAll("\n", "\\n");
    const base64 = Buffer.from(privateKey).toString("base64");
    const dir = mkdtempSync(join(tmpdir(), "zakenak-env-"));
    writeFileSync(join(dir, "key.pem"), privateKey);
    const { PRIVATE_KEY: _, ...rest } = FULL;
    for (const key of [
      { PRIVATE_KEY: escaped },
      { PRIVATE_KEY: base64 },
      { PRIVATE_KEY_PATH: join(dir, "key.pem") },
    ]) {
      expect(loadEnvConfig({ ...rest, ...key }).hosts.github?.privateKey).toBe(privateKey);
    }
    expect(loadEnvConfig({ ...FULL, GHE_HOST: "github.example.com" }).hosts.github?.baseUrl).toBe(
      "https://github.example.com/api/v3",
    );
  });

  it("reads the stall interval workers recover a dead worker's jobs after", () => {
    expect(loadEnvConfig({ ZAKENAK_STALL_SECONDS: "5" }).workers.stallSeconds).toBe(5);
    expect(failure({ ZAKENAK_STALL_SECONDS: "0" })).toBe("ZAKENAK_STALL_SECONDS: must be between 1 and 3600");
    expect(failure({ ZAKENAK_STALL_SECONDS: "2.5" })).toBe("ZAKENAK_STALL_SECONDS: must be a whole number");
  });

  it("reads intake's load shedding limits", () => {
    const env = { ZAKENAK_INTAKE_MAX_INFLIGHT: "8", ZAKENAK_QUEUE_MAX_WAITING: "500" };
    expect(loadEnvConfig(env).intake).toEqual({ maxInflight: 8, maxWaiting: 500 });
    expect(failure({ ZAKENAK_INTAKE_MAX_INFLIGHT: "0" })).toBe(
      "ZAKENAK_INTAKE_MAX_INFLIGHT: must be between 1 and 100000",
    );
    expect(failure({ ZAKENAK_QUEUE_MAX_WAITING: "10k" })).toBe(
      "ZAKENAK_QUEUE_MAX_WAITING: must be a whole number",
    );
  });

  it("treats empty variables as unset", () => {
    expect(loadEnvConfig({ PORT: "", GITLAB_URL: "", GITLAB_TOKEN: "" })).toMatchObject({ port: 3000 });
  });

  it.each([
    [{ PORT: "http" }, "PORT: must be a whole number"],
    [{ PORT: "70000" }, "PORT: must be between 0 and 65535"],
    [{ REDIS_URL: "127.0.0.1:6379" }, "REDIS_URL: must be a redis:// or rediss:// URL"],
    [
      { ZAKENAK_REPO_ALLOWLIST: "acme/*,justaname" },
      'ZAKENAK_REPO_ALLOWLIST: "justaname" is not an owner/name glob',
    ],
    [{ ZAKENAK_MAX_BODY_BYTES: "25MB" }, "ZAKENAK_MAX_BODY_BYTES: must be a whole number"],
    [{ ZAKENAK_WORKER_CONCURRENCY: "0" }, "ZAKENAK_WORKER_CONCURRENCY: must be between 1 and 1000"],
    [{ ZAKENAK_APPLY_WAIT: "maybe" }, "ZAKENAK_APPLY_WAIT: must be true or false"],
    [{ LOG_LEVEL: "verbose" }, "LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent"],
    [{ ...FULL, APP_ID: "my-app" }, "APP_ID: must be the GitHub App's numeric id"],
    [{ ...FULL, GITLAB_URL: "gitlab.example.com" }, "GITLAB_URL: must be an http:// or https:// URL"],
    [{ ...FULL, GITEA_URL: "ftp://gitea" }, "GITEA_URL: must be an http:// or https:// URL"],
    [{ GHE_HOST: "github.example.com" }, "APP_ID: required for GitHub Enterprise (GHE_HOST is set)"],
  ])("rejects %o with one line naming the variable", (env, message) => {
    expect(failure(env)).toBe(message);
  });

  it.each([
    ["APP_ID", "APP_ID: required for GitHub (PRIVATE_KEY is set)"],
    ["PRIVATE_KEY", "PRIVATE_KEY: required for GitHub (APP_ID is set)"],
    ["WEBHOOK_SECRET", "WEBHOOK_SECRET: required for GitHub (APP_ID is set)"],
    ["GITLAB_URL", "GITLAB_URL: required for GitLab (GITLAB_TOKEN is set)"],
    ["GITLAB_TOKEN", "GITLAB_TOKEN: required for GitLab (GITLAB_URL is set)"],
    ["GITLAB_WEBHOOK_SECRET", "GITLAB_WEBHOOK_SECRET: required for GitLab (GITLAB_URL is set)"],
    ["GITEA_URL", "GITEA_URL: required for Gitea (GITEA_TOKEN is set)"],
    ["GITEA_TOKEN", "GITEA_TOKEN: required for Gitea (GITEA_URL is set)"],
    ["GITEA_WEBHOOK_SECRET", "GITEA_WEBHOOK_SECRET: required for Gitea (GITEA_URL is set)"],
  ])("names %s when a host is only partly configured", (missing, message) => {
    expect(failure({ ...FULL, [missing]: undefined })).toBe(message);
  });

  it("rejects a bad private key without echoing it", () => {
    const garbled = privateKey.replace("MII", "XXX");
    expect(failure({ ...FULL, PRIVATE_KEY: garbled })).toBe(
      "PRIVATE_KEY: is not a PEM private key (nor base64 of one)",
    );
    expect(failure({ ...FULL, PRIVATE_KEY: SECRETS.WEBHOOK_SECRET })).toBe(
      "PRIVATE_KEY: is not a PEM private key (nor base64 of one)",
    );
    const { PRIVATE_KEY: _, ...rest } = FULL;
    expect(failure({ ...rest, PRIVATE_KEY_PATH: "/nonexistent/key.pem" })).toBe(
      "PRIVATE_KEY_PATH: cannot read /nonexistent/key.pem: ENOENT",
    );
    expect(failure({ ...FULL, PRIVATE_KEY_PATH: "/x.pem" })).toBe(
      "PRIVATE_KEY_PATH: set either PRIVATE_KEY or PRIVATE_KEY_PATH, not both",
    );
  });
});
