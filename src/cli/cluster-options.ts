import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { resolve } from "node:path";
import type { EnvironmentTarget } from "../applying/apply-environment.js";
import { loadConfig } from "../config/load-config.js";
import type { EnvironmentConfig, ZakenakConfig } from "../config/schema.js";
import { selectEnvironments } from "../config/select-environments.js";
import { isZakenakError, ZakenakError } from "../errors.js";
import { type ConnectedKubeClient, connectKube } from "../kube/connect-kube.js";
import { repositoryGrant } from "../trust/repository-grant.js";
import { trustedEnvironment } from "../trust/trusted-environment.js";
import { trustedPolicy } from "../trust/trusted-policy.js";
import { RULES } from "../validation/rules.js";
import type { CliIo } from "./cli-io.js";

/** Options every command that talks to a cluster takes. */
export const CLUSTER_OPTIONS = {
  env: { type: "string" },
  repo: { type: "string" },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  actor: { type: "string" },
  debug: { type: "boolean" },
  "server-config": { type: "string" },
  repository: { type: "string" },
} as const;

export interface ClusterArgs {
  env?: string | undefined;
  repo?: string | undefined;
  kubeconfig?: string | undefined;
  context?: string | undefined;
  actor?: string | undefined;
  /** The operator's server configuration, for operators who want the bot's checks on the CLI too. */
  "server-config"?: string | undefined;
  /** `owner/name` the server configuration's entries are matched against. */
  repository?: string | undefined;
}

export interface ClusterSession {
  client: ConnectedKubeClient;
  environment: EnvironmentTarget & Partial<EnvironmentConfig>;
  actor: string;
  holder: string;
  holderDescription: string;
}

/**
 * Finds the environment (in `.zakenak.yaml` when the repository has one; rollback, history and unlock
 * also work without it) and connects to its cluster: `--context`, else the environment's kubeContext.
 */
export async function openCluster(
  args: ClusterArgs,
  io: CliIo,
  command: string,
  needsConfig = false,
): Promise<ClusterSession> {
  if (!args.env) throw new ZakenakError("usage", `${command} needs --env NAME`);
  const repoDir = resolve(io.cwd, args.repo ?? ".");
  let environment: ClusterSession["environment"] = { name: args.env };
  try {
    const config = await loadConfig(
      repoDir,
      RULES.map((r) => r.id),
    );
    selectEnvironments(
      config.environments.map((e) => e.name),
      [args.env],
    );
    environment = await checkedEnvironment(args, config, args.env);
  } catch (err) {
    if (needsConfig || !isZakenakError(err) || err.code !== "config-missing") throw err;
  }
  const context = args.context ?? environment.kubeContext;
  const client = await connectKube({
    ...(args.kubeconfig ? { kubeconfig: args.kubeconfig } : {}),
    ...(context ? { context } : {}),
    env: io.env,
  });
  const actor = args.actor ?? `${safeUser()}@${hostname()}`;
  return {
    client,
    environment,
    actor,
    holder: `cli/${hostname()}/${process.pid}/${randomBytes(4).toString("hex")}`,
    holderDescription: `zakenak ${command} by ${actor} (pid ${process.pid})`,
  };
}

/**
 * The environment as `.zakenak.yaml` declares it or, with `--server-config`, as the server configuration
 * grants it to `--repository`: the same refusals the bot makes, and the granted kube context.
 */
async function checkedEnvironment(
  args: ClusterArgs,
  config: ZakenakConfig,
  name: string,
): Promise<ClusterSession["environment"]> {
  const declared = config.environments.find((e) => e.name === name) as EnvironmentConfig;
  const file = args["server-config"];
  if (file === undefined) return declared;
  if (!args.repository) {
    throw new ZakenakError(
      "usage",
      "--server-config needs --repository OWNER/NAME to find the repository's entry",
    );
  }
  const policy = trustedPolicy(
    config,
    "working tree",
    repositoryGrant(await loadServerConfigLazily(file), args.repository),
  );
  const env = trustedEnvironment(policy, name);
  if (args.context !== undefined && args.context !== env.kubeContext) {
    throw new ZakenakError(
      "forbidden",
      `[kube-context-not-granted] --context ${args.context}: ${policy.grant.source} grants environment ${name} ${
        env.kubeContext ? `the context "${env.kubeContext}"` : "the default context"
      }`,
    );
  }
  return { ...declared, ...env };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/** The server configuration's schemas load only for the commands given `--server-config`. */
async function loadServerConfigLazily(file: string) {
  return (await import("../config/load-server-config.js")).loadServerConfig(file);
}
