import type { KubeClient } from "../../kube/kube-client.js";
import { listRevisions } from "./list-revisions.js";
import type { RevisionSummary } from "./revision.js";

/** The newest revision that succeeded, optionally older than `before`: what a rollback returns to. */
export async function lastSuccessful(
  client: KubeClient,
  environment: string,
  opts: { before?: number } = {},
): Promise<RevisionSummary | undefined> {
  const { before } = opts;
  return (await listRevisions(client, environment)).find(
    (r) => r.result === "succeeded" && (before === undefined || r.number < before),
  );
}
