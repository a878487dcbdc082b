import type http from "node:http";
import type https from "node:https";
import type { AuthHeaders, KubeConnection } from "./kube-connection.js";
import type { LoadedKubeconfig } from "./load-kubeconfig.js";

function headersOf(opts: https.RequestOptions): AuthHeaders {
  const headers: AuthHeaders = {};
  for (const [name, value] of Object.entries(opts.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
  return headers;
}

/**
 * The connection for what our own loader leaves alone (auth-provider plugins, proxies, unknown fields):
 * `@kubernetes/client-node`'s KubeConfig, loaded only now because importing it takes most of a second.
 */
export async function clientNodeKubeConnection(loaded: LoadedKubeconfig): Promise<KubeConnection> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  // Only the chosen entries, merged and with absolute paths already; a user it can find even when the
  // context names none, as without one the library applies no TLS settings at all.
  const userName = loaded.userName ?? "(no user)";
  const { tokenFile, ...user } = loaded.user;
  kc.loadFromString(
    JSON.stringify({
      clusters: [{ name: loaded.clusterName, cluster: loaded.cluster }],
      // The library spells the token file field its own way.
      users: [
        { name: userName, user: tokenFile === undefined ? user : { ...user, "token-file": tokenFile } },
      ],
      contexts: [
        {
          name: loaded.contextName,
          context: { cluster: loaded.clusterName, user: userName, namespace: loaded.namespace },
        },
      ],
      "current-context": loaded.contextName,
    }),
  );
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`context "${loaded.contextName}" names no known cluster`);
  const template: https.RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(template);
  const current = kc.getCurrentUser();
  // Exec plugins and auth providers hand out short-lived tokens: those headers are fetched per request.
  const dynamicAuth = Boolean(current?.exec || current?.authProvider);
  const fixed = headersOf(template);
  const ca = Array.isArray(template.ca) ? undefined : template.ca;
  return {
    server: cluster.server,
    tls: {
      ...(ca ? { ca } : {}),
      ...(template.cert && template.key && !Array.isArray(template.cert) && !Array.isArray(template.key)
        ? { cert: template.cert, key: template.key as Buffer | string }
        : {}),
      insecureSkipTlsVerify: template.rejectUnauthorized === false,
      ...(template.servername ? { serverName: template.servername } : {}),
    },
    staticAuth: !dynamicAuth,
    authHeaders: async () => {
      if (!dynamicAuth) return fixed;
      const opts: https.RequestOptions = { headers: {} };
      await kc.applyToHTTPSOptions(opts);
      return headersOf(opts);
    },
    // The library's proxy agents know how to tunnel; for the rest a pool is built from `tls`.
    ...(cluster.proxyUrl ? { agent: template.agent as http.Agent } : {}),
    namespace: loaded.namespace,
    source: loaded.source,
    contextName: loaded.contextName,
    loader: "client-node",
  };
}
