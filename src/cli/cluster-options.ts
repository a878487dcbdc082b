import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { resolve } from "node:path";
import type { EnvironmentTarget } from "../applying/apply-environment.js";
import { CONFIG_FILE, loadConfig } from "../config/load-config.js";
import type { EnvironmentConfig } from "../config/schema.js";
import { isZakenakError, ZakenakError } from "../errors.js";
import { type ConnectedKubeClient, connectKube } from "../kube/connect-kube.js";
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
} as const;

export interface ClusterArgs {
  env?: string | undefined;
  repo?: string | undefined;
  kubeconfig?: string | undefined;
  context?: string | undefined;
  actor?: string | undefined;
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
    const found = config.environments.find((e) => e.name === args.env);
    if (!found) {
      const known = config.environments.map((e) => e.name).join(", ");
      throw new ZakenakError(
        "usage",
        `unknown environment "${args.env}" in ${CONFIG_FILE} (known: ${known})`,
      );
    }
    environment = found;
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

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}
