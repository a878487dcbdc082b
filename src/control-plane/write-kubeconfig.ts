import { writeFile } from "node:fs/promises";
import { stringify } from "yaml";

export interface KubeconfigOptions {
  path: string;
  server: string;
  caPath: string;
  token: string;
  context?: string;
}

export async function writeKubeconfig({
  path,
  server,
  caPath,
  token,
  context = "zakenak-test",
}: KubeconfigOptions) {
  const user = `${context}-admin`;
  const kubeconfig = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server, "certificate-authority": caPath } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: context, context: { cluster: context, user, namespace: "default" } }],
    "current-context": context,
  };
  // It holds a cluster-admin token.
  await writeFile(path, stringify(kubeconfig), { mode: 0o600 });
}
