import { ZakenakError } from "../../errors.js";
import type { KubeClient } from "../../kube/kube-client.js";
import { listRevisions } from "./list-revisions.js";
import { partSecretName, revisionSecretName, secretRef } from "./revision-secret.js";

/**
 * Deletes the environment's revisions beyond the newest `keep`, parts first, but never the newest
 * successful one: it is what a rollback needs. Returns the numbers deleted, oldest first.
 */
export async function pruneHistory(client: KubeClient, environment: string, keep = 20): Promise<number[]> {
  // Keeping at least the newest revision also keeps numbering monotonic (next = highest + 1).
  if (!Number.isInteger(keep) || keep < 1) {
    throw new ZakenakError("usage", `history must keep at least 1 revision, not ${keep}`);
  }
  const revisions = await listRevisions(client, environment);
  const newestSuccessful = revisions.find((r) => r.result === "succeeded")?.number;
  const doomed = revisions
    .slice(keep)
    .filter((r) => r.number !== newestSuccessful)
    .reverse();
  for (const r of doomed) {
    // Parts by name from the count, so their data is never fetched; the revision goes last, so an
    // interrupted prune leaves a revision that a later prune still finds and finishes.
    for (let k = 1; k <= r.parts; k++)
      await client.delete(secretRef(partSecretName(environment, r.number, k)));
    await client.delete(secretRef(revisionSecretName(environment, r.number)));
  }
  return doomed.map((r) => r.number);
}
