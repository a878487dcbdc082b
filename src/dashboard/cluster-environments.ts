import type { RevisionSummary } from "../applying/history/revision.js";
import { REVISION_LABEL, REVISION_TYPE, summaryFromSecret } from "../applying/history/revision-secret.js";
import { ENVIRONMENT_LABEL, SYSTEM_NAMESPACE } from "../applying/lock/system-namespace.js";
import type { KubeClient } from "../kube/kube-client.js";

/**
 * Every environment with a revision recorded in the cluster, each with its revisions newest first.
 * Summaries come from labels and annotations only; the manifests are never decoded.
 */
export async function clusterEnvironments(client: KubeClient): Promise<Map<string, RevisionSummary[]>> {
  const secrets = await client.list("v1", "Secret", {
    namespace: SYSTEM_NAMESPACE,
    labelSelector: `${ENVIRONMENT_LABEL},${REVISION_LABEL}`,
  });
  const byEnvironment = new Map<string, RevisionSummary[]>();
  for (const secret of secrets) {
    const environment = secret.metadata.labels?.[ENVIRONMENT_LABEL];
    if (secret.type !== REVISION_TYPE || !environment) continue;
    const summary = summaryFromSecret(environment, secret);
    if (summary.number <= 0) continue;
    byEnvironment.set(environment, [...(byEnvironment.get(environment) ?? []), summary]);
  }
  for (const list of byEnvironment.values()) list.sort((a, b) => b.number - a.number);
  return new Map([...byEnvironment].sort(([a], [b]) => a.localeCompare(b)));
}
