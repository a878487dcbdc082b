import type { KubeClient } from "../../kube/kube-client.js";
import { SYSTEM_NAMESPACE } from "../lock/system-namespace.js";
import type { RevisionSummary } from "./revision.js";
import { REVISION_TYPE, revisionsSelector, summaryFromSecret } from "./revision-secret.js";

/**
 * The environment's revisions, newest first, as summaries built from labels and annotations: manifests
 * are never decoded nor returned. (KubeClient has no metadata-only list, so small revisions' data does
 * cross the wire; it is dropped unread.)
 */
export async function listRevisions(client: KubeClient, environment: string): Promise<RevisionSummary[]> {
  const secrets = await client.list("v1", "Secret", {
    namespace: SYSTEM_NAMESPACE,
    labelSelector: revisionsSelector(environment),
  });
  return secrets
    .filter((s) => s.type === REVISION_TYPE)
    .map((s) => summaryFromSecret(environment, s))
    .filter((r) => r.number > 0)
    .sort((a, b) => b.number - a.number);
}
