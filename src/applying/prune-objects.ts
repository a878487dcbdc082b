import type { KubeClient } from "../kube/kube-client.js";
import { mapLimit } from "../model/map-limit.js";
import { withRetry } from "../retry.js";
import type { InventoryEntry } from "../server-side-apply/inventory.js";
import { ENVIRONMENT_LABEL } from "../server-side-apply/strip-server-fields.js";
import { APPLY_CONCURRENCY } from "./apply-objects.js";

export const PRUNE_ANNOTATION = "zakenak.io/prune";
const LAST_STAGE = new Set(["Namespace", "CustomResourceDefinition"]);

export interface PruneResult {
  deleted: string[];
  /** Left in place because of `zakenak.io/prune: disabled`. */
  kept: string[];
}

/**
 * Deletes objects that left Git: what the previous revision owned and the new one does not. Namespaces
 * and CRDs go last, since deleting them takes everything inside with them.
 */
export async function pruneObjects(
  client: KubeClient,
  removed: readonly InventoryEntry[],
  environment: string,
): Promise<PruneResult> {
  const result: PruneResult = { deleted: [], kept: [] };
  const stages = [
    removed.filter((e) => !LAST_STAGE.has(e.kind)),
    removed.filter((e) => LAST_STAGE.has(e.kind)),
  ];
  for (const stage of stages) {
    await mapLimit(stage, APPLY_CONCURRENCY, async (entry) => {
      const label = `${entry.kind}/${entry.namespace ? `${entry.namespace}/` : ""}${entry.name}`;
      const live = await withRetry(() => client.get(entry)).catch((err: { code?: string }) => {
        if (err.code === "unknown-kind" || err.code === "not-found") return undefined;
        throw err;
      });
      if (!live) return;
      // Applied since by another environment (the object moved in Git): no longer ours to delete.
      const owner = live.metadata.labels?.[ENVIRONMENT_LABEL];
      if (owner !== undefined && owner !== environment) return;
      if (live.metadata.annotations?.[PRUNE_ANNOTATION] === "disabled") {
        result.kept.push(label);
        return;
      }
      if (await withRetry(() => client.delete(entry))) result.deleted.push(label);
    });
  }
  return result;
}
