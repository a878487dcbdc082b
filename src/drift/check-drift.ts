import { listRevisions } from "../applying/history/list-revisions.js";
import { readRevision } from "../applying/history/read-revision.js";
import { ZakenakError } from "../errors.js";
import type { KubeClient } from "../kube/kube-client.js";
import { liveDiff } from "../planning/live-diff.js";
import type { ObjectChange } from "../planning/types.js";
import type { DriftObject, DriftStatus } from "./drift-state.js";

/** What one comparison of the deployed revision with the cluster found. */
export interface DriftReport {
  status: Exclude<DriftStatus, "unknown">;
  /** The deployed revision: the environment's newest successful one. */
  revision: number;
  sha: string;
  ref: string;
  objects: DriftObject[];
  /** The differences as `plan --live` shows them, Secret values masked. */
  changes: ObjectChange[];
}

/**
 * Compares the environment's deployed revision (its newest successful one, read back from the history
 * in the cluster: exactly what was applied, nothing rendered again) with the live cluster, as
 * `plan --live` does: a server-side dry run of every object, server fields stripped, Secret values
 * masked. An object of the revision the cluster no longer has is missing; one whose dry run differs
 * from its live state drifted, with the fields that differ.
 */
export async function checkDrift(
  client: KubeClient,
  environment: { name: string; forceConflicts?: boolean },
): Promise<DriftReport> {
  const env = environment.name;
  const deployed = (await listRevisions(client, env)).find((r) => r.result === "succeeded");
  if (!deployed) {
    throw new ZakenakError(
      "revision-missing",
      `environment ${env} has no successful revision in ${client.server} to compare the cluster with`,
    );
  }
  const stored = await readRevision(client, env, deployed.number);
  const source = `revision ${deployed.number}`;
  const compared = await liveDiff(
    client,
    env,
    stored.objects.map((object) => ({ object, release: source, file: source })),
    // Only the revision's own objects: what it does not list is not its drift.
    [],
    { force: environment.forceConflicts === true },
  );
  const changes = compared.releases.flatMap((r) => r.changes);
  const objects = changes.map(driftObject);
  const status = objects.some((o) => o.missing) ? "missing" : objects.length > 0 ? "drifted" : "in-sync";
  return { status, revision: deployed.number, sha: deployed.sha, ref: deployed.ref, objects, changes };
}

function driftObject(c: ObjectChange): DriftObject {
  return {
    kind: c.kind,
    apiVersion: c.apiVersion,
    ...(c.namespace ? { namespace: c.namespace } : {}),
    name: c.name,
    fields: c.fields ?? [],
    ...(c.action === "create" ? { missing: true } : {}),
  };
}
