import type { KubeClient } from "../../kube/kube-client.js";

/** Where zakenak keeps its own state (locks, revision history), apart from what it deploys. */
export const SYSTEM_NAMESPACE = "zakenak-system";

export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const ENVIRONMENT_LABEL = "zakenak.io/environment";

// Per client, so a long-running worker applies the namespace once rather than before every write.
const ensured = new WeakSet<KubeClient>();

/**
 * Creates the system namespace if missing. Not a server-side apply as field manager `zakenak`: a
 * repository may manage this namespace itself (labels, pod security), and an apply by the same manager
 * with fewer fields would take those away.
 */
export async function ensureSystemNamespace(client: KubeClient): Promise<void> {
  if (ensured.has(client)) return;
  const ref = { apiVersion: "v1", kind: "Namespace", name: SYSTEM_NAMESPACE };
  if (!(await client.get(ref))) {
    await client
      .create({
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: SYSTEM_NAMESPACE, labels: { [MANAGED_BY_LABEL]: "zakenak" } },
      })
      .catch((err: { code?: string }) => {
        // Created meanwhile by another replica: just as good.
        if (err.code !== "conflict") throw err;
      });
  }
  ensured.add(client);
}
