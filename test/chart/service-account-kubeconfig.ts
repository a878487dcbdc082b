import { readFile, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { join } from "node:path";
import { stringify } from "yaml";

/** Where an API server is and how to trust it. */
export interface ApiServer {
  server: string;
  caPath: string;
}

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** One request to the API server as the holder of `token`, with nothing of Zakenak's in between. */
export async function apiRequest(
  api: ApiServer,
  token: string,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const ca = await readFile(api.caPath);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, api.server),
      {
        method,
        ca,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(payload ? { "content-type": "application/json" } : {}),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || "{}") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/**
 * Asks the TokenRequest API for a token of a ServiceAccount (as the admin) and writes a kubeconfig that
 * holds only that token: whatever uses it can do what the ServiceAccount's RBAC grants, nothing more.
 */
export async function serviceAccountKubeconfig(
  api: ApiServer,
  adminToken: string,
  account: { namespace: string; name: string },
  dir: string,
): Promise<{ path: string; token: string }> {
  const answer = await apiRequest(
    api,
    adminToken,
    "POST",
    `/api/v1/namespaces/${account.namespace}/serviceaccounts/${account.name}/token`,
    { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } },
  );
  const token = (answer.body.status as { token?: string } | undefined)?.token;
  if (answer.status !== 201 || !token) {
    throw new Error(`TokenRequest for ${account.namespace}/${account.name}: HTTP ${answer.status}`);
  }
  const path = join(dir, `${account.namespace}-${account.name}.kubeconfig`);
  const kubeconfig = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "cluster", cluster: { server: api.server, "certificate-authority": api.caPath } }],
    users: [{ name: account.name, user: { token } }],
    contexts: [{ name: account.name, context: { cluster: "cluster", user: account.name } }],
    "current-context": account.name,
  };
  await writeFile(path, stringify(kubeconfig), { mode: 0o600 });
  return { path, token };
}
