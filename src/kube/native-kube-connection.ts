import { readFile } from "node:fs/promises";
import { ExecCredentialPlugin, type ExecPluginConfig } from "./exec-credential-plugin.js";
import type { AuthHeaders, KubeConnection, KubeTls } from "./kube-connection.js";
import type { KubeconfigEntry, LoadedKubeconfig } from "./load-kubeconfig.js";
import { TokenFileReader } from "./token-file-reader.js";

function text(entry: KubeconfigEntry, field: string, where: string): string | undefined {
  const value = entry[field];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new Error(`${where}: ${field} is not a string`);
  return value;
}

function flag(entry: KubeconfigEntry, field: string, where: string): boolean {
  const value = entry[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") throw new Error(`${where}: ${field} is not true or false`);
  return value;
}

function texts(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new Error(`${what} is not a list of strings`);
  }
  return value as string[];
}

/** `<field>-data` (base64) wins over `<field>` (a path), as in kubectl. */
async function dataOrFile(entry: KubeconfigEntry, field: string, where: string): Promise<Buffer | undefined> {
  const data = text(entry, `${field}-data`, where);
  if (data) return Buffer.from(data, "base64");
  const file = text(entry, field, where);
  if (!file) return undefined;
  try {
    return await readFile(file);
  } catch (error) {
    throw new Error(`${where}: ${field} ${file} cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function impersonation(user: KubeconfigEntry, where: string): AuthHeaders {
  const headers: AuthHeaders = {};
  const as = text(user, "as", where);
  if (as) headers["Impersonate-User"] = as;
  const uid = text(user, "as-uid", where);
  if (uid) headers["Impersonate-Uid"] = uid;
  const groups = texts(user["as-groups"], `${where}: as-groups`);
  if (groups.length) headers["Impersonate-Group"] = groups;
  const extra = user["as-user-extra"];
  if (extra !== undefined && extra !== null) {
    if (typeof extra !== "object" || Array.isArray(extra))
      throw new Error(`${where}: as-user-extra is not a mapping`);
    for (const [key, values] of Object.entries(extra)) {
      // Header names cannot carry every character an extra's key may have; the server decodes this.
      headers[`Impersonate-Extra-${encodeURIComponent(key)}`] = texts(
        values,
        `${where}: as-user-extra.${key}`,
      );
    }
  }
  return headers;
}

function execConfig(exec: unknown, where: string): ExecPluginConfig {
  const entry = exec as KubeconfigEntry;
  const command = text(entry, "command", `${where}: exec`);
  if (!command) throw new Error(`${where}: exec has no command`);
  const env = entry.env ?? [];
  if (
    !Array.isArray(env) ||
    env.some((e) => typeof e?.name !== "string" || (e.value !== undefined && typeof e.value !== "string"))
  ) {
    throw new Error(`${where}: exec env is not a list of name and value`);
  }
  const mode = text(entry, "interactiveMode", `${where}: exec`) ?? "IfAvailable";
  if (mode !== "Never" && mode !== "IfAvailable" && mode !== "Always") {
    throw new Error(`${where}: exec interactiveMode "${mode}" is not Never, IfAvailable or Always`);
  }
  const installHint = text(entry, "installHint", `${where}: exec`);
  return {
    command,
    args: texts(entry.args, `${where}: exec args`),
    env: env.map((e: { name: string; value?: string }) => ({ name: e.name, value: e.value ?? "" })),
    apiVersion: text(entry, "apiVersion", `${where}: exec`) ?? "",
    ...(installHint ? { installHint } : {}),
    provideClusterInfo: flag(entry, "provideClusterInfo", `${where}: exec`),
    interactiveMode: mode,
  };
}

/** The exec plugin's `spec.cluster`: the cluster block as the plugin contract spells it. */
function execClusterInfo(cluster: KubeconfigEntry, server: string, tls: KubeTls): Record<string, unknown> {
  const extensions = Array.isArray(cluster.extensions) ? cluster.extensions : [];
  const config = extensions.find((e) => e?.name === "client.authentication.k8s.io/exec")?.extension;
  return {
    server,
    ...(tls.serverName ? { "tls-server-name": tls.serverName } : {}),
    ...(tls.insecureSkipTlsVerify ? { "insecure-skip-tls-verify": true } : {}),
    ...(tls.ca ? { "certificate-authority-data": Buffer.from(tls.ca).toString("base64") } : {}),
    ...(config !== undefined ? { config } : {}),
  };
}

/**
 * The connection for a kubeconfig our own loader handles (see `unsupportedKubeconfigFeature`): reads
 * certificates and keys now; tokens from files and exec plugins are fetched per request.
 */
export async function nativeKubeConnection(loaded: LoadedKubeconfig): Promise<KubeConnection> {
  const { cluster, user } = loaded;
  const inCluster = `cluster "${loaded.clusterName}"`;
  const inUser = `user "${loaded.userName ?? ""}"`;
  const server = text(cluster, "server", inCluster)?.replace(/\/$/, "");
  if (!server) throw new Error(`${inCluster} has no server`);
  const insecureSkipTlsVerify = flag(cluster, "insecure-skip-tls-verify", inCluster);
  // What the client library required, kept so the same kubeconfigs fail the same way.
  if (server.startsWith("http:") && !insecureSkipTlsVerify) {
    throw new Error("HTTP protocol is not allowed when skipTLSVerify is not set or false");
  }
  const ca = await dataOrFile(cluster, "certificate-authority", inCluster);
  const cert = await dataOrFile(user, "client-certificate", inUser);
  const key = await dataOrFile(user, "client-key", inUser);
  if (Boolean(cert) !== Boolean(key)) {
    throw new Error(`${inUser} has a client certificate without its key, or the reverse`);
  }
  const serverName = text(cluster, "tls-server-name", inCluster);
  const tls: KubeTls = {
    ...(ca ? { ca } : {}),
    ...(cert && key ? { cert, key } : {}),
    insecureSkipTlsVerify,
    ...(serverName ? { serverName } : {}),
  };

  const fixed = impersonation(user, inUser);
  const token = text(user, "token", inUser);
  const tokenFile = text(user, "tokenFile", inUser);
  const username = text(user, "username", inUser);
  if (token) fixed.Authorization = `Bearer ${token}`;
  else if (username && !tokenFile) {
    const password = text(user, "password", inUser) ?? "";
    fixed.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  }
  const common = {
    server,
    tls,
    namespace: loaded.namespace,
    source: loaded.source,
    contextName: loaded.contextName,
    loader: "native" as const,
  };

  if (user.exec !== undefined && user.exec !== null) {
    const plugin = new ExecCredentialPlugin(
      execConfig(user.exec, inUser),
      execClusterInfo(cluster, server, tls),
    );
    return {
      ...common,
      staticAuth: false,
      authHeaders: async () => {
        const { token: issued } = await plugin.credential();
        return issued ? { ...fixed, Authorization: `Bearer ${issued}` } : fixed;
      },
      clientCertificate: () => plugin.current?.cert,
      authRejected: () => plugin.invalidate(),
    };
  }
  if (tokenFile && !token) {
    const reader = new TokenFileReader(tokenFile);
    return {
      ...common,
      staticAuth: false,
      authHeaders: async () => ({ ...fixed, Authorization: `Bearer ${await reader.read()}` }),
    };
  }
  return { ...common, staticAuth: true, authHeaders: async () => fixed };
}
