import { EXEC_CREDENTIAL_VERSIONS } from "./exec-credential-plugin.js";
import type { LoadedKubeconfig } from "./load-kubeconfig.js";

// Fields our own loader implements (or may ignore: extensions, compression we never ask for).
const CLUSTER_FIELDS = new Set([
  "server",
  "certificate-authority",
  "certificate-authority-data",
  "insecure-skip-tls-verify",
  "tls-server-name",
  "disable-compression",
  "extensions",
]);
const USER_FIELDS = new Set([
  "client-certificate",
  "client-certificate-data",
  "client-key",
  "client-key-data",
  "token",
  "tokenFile",
  "username",
  "password",
  "exec",
  "as",
  "as-uid",
  "as-groups",
  "as-user-extra",
  "extensions",
]);
const EXEC_FIELDS = new Set([
  "command",
  "args",
  "env",
  "apiVersion",
  "installHint",
  "provideClusterInfo",
  "interactiveMode",
]);

/**
 * Why the chosen cluster and user need `@kubernetes/client-node` (auth-provider plugins, proxies, fields
 * we do not know), or undefined when our own loader handles them.
 */
export function unsupportedKubeconfigFeature(loaded: LoadedKubeconfig): string | undefined {
  const { cluster, user } = loaded;
  if (cluster["proxy-url"] !== undefined) return "cluster proxy-url";
  const provider = user["auth-provider"];
  if (provider !== undefined) {
    const name = (provider as { name?: unknown } | null)?.name;
    return `auth-provider ${typeof name === "string" ? name : "(unnamed)"}`;
  }
  const clusterField = Object.keys(cluster).find((field) => !CLUSTER_FIELDS.has(field));
  if (clusterField) return `cluster field ${clusterField}`;
  const userField = Object.keys(user).find((field) => !USER_FIELDS.has(field));
  if (userField) return `user field ${userField}`;
  const exec = user.exec;
  if (exec !== undefined && exec !== null) {
    if (typeof exec !== "object") return "exec that is not a mapping";
    const execField = Object.keys(exec).find((field) => !EXEC_FIELDS.has(field));
    if (execField) return `exec field ${execField}`;
    const version = (exec as { apiVersion?: unknown }).apiVersion;
    if (typeof version !== "string" || !EXEC_CREDENTIAL_VERSIONS.includes(version)) {
      return `exec apiVersion ${String(version)}`;
    }
  }
  return undefined;
}
