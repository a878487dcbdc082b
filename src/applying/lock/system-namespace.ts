import type { KubeClient } from "../../kube/kube-client.js";

/** Where zakenak keeps its own state (locks, revision history), apart from what it deploys. */
export const SYSTEM_NAMESPACE = "zakenak-system";

export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const ENVIRONMENT_LABEL = "zakenak.io/environment";

// Per client, so a long-running worker applies the namespace once rather than before every write.
const ensured = new WeakSet<KubeClient>();

/** Creates the system namespace if missing (server-side apply, so it is a no-op when it exists). */
export async function ensureSystemNamespace(client: KubeClient): Promise<void> {
  if (ensured.has(client)) return;
  await client.apply({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: SYSTEM_NAMESPACE, labels: { [MANAGED_BY_LABEL]: "zakenak" } },
  });
  ensured.add(client);
}
