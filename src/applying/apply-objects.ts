import type { KubeClient } from "../kube/kube-client.js";
import type { KubeObject } from "../model/kube-object.js";
import { mapLimit } from "../model/map-limit.js";
import { objectKey, objectRef } from "../model/object-key.js";
import { withRetry } from "../retry.js";
import { asStored, isSubset } from "../server-side-apply/is-subset.js";
import { liveObjectsOf } from "../server-side-apply/live-objects.js";
import { APPLIED_HASH } from "../server-side-apply/strip-server-fields.js";
import { applyStages } from "./apply-order.js";

/** Requests in flight: about what saturates an API server on two cores, with a little headroom. */
export const APPLY_CONCURRENCY = 12;
const CRD_TIMEOUT_MS = 60_000;

export interface ApplyObjectsOptions {
  environment: string;
  force?: boolean;
  onProgress?: (done: number, total: number) => void;
  /**
   * The environment's live objects by key, as `liveObjectsOf` reads them, when the caller started that
   * read already (under the environment's lock, while it wrote the history); read here otherwise.
   */
  live?: Promise<Map<string, KubeObject>>;
}

export interface ApplyObjectsResult {
  /** Objects written (created or changed), as `Kind/namespace/name`. */
  written: string[];
  unchanged: number;
}

/**
 * Server-side applies prepared objects in stages (Namespaces and CRDs first, CRDs waited for), skipping
 * objects whose live state already carries the same desired-state hash and still holds every desired
 * field, so a re-apply of an unchanged revision sends one list per kind instead of a write per object.
 */
export async function applyObjects(
  client: KubeClient,
  objects: KubeObject[],
  opts: ApplyObjectsOptions,
): Promise<ApplyObjectsResult> {
  const live = await (opts.live ?? liveObjectsOf(client, objects, opts.environment, APPLY_CONCURRENCY));
  const result: ApplyObjectsResult = { written: [], unchanged: 0 };
  let done = 0;
  for (const stage of applyStages(objects)) {
    const toWrite = stage.filter((o) => {
      const current = live.get(objectKey(o));
      const same =
        current !== undefined &&
        current.metadata.annotations?.[APPLIED_HASH] === o.metadata.annotations?.[APPLIED_HASH] &&
        isSubset(asStored(o), current);
      if (same) result.unchanged++;
      return !same;
    });
    done += stage.length - toWrite.length;
    await mapLimit(toWrite, APPLY_CONCURRENCY, async (o) => {
      await withRetry(() => client.apply(o, { force: opts.force === true }));
      result.written.push(objectRef(o));
      opts.onProgress?.(++done, objects.length);
    });
    for (const crd of toWrite.filter((o) => o.kind === "CustomResourceDefinition")) {
      await client.waitForCrd(crd.metadata.name as string, CRD_TIMEOUT_MS);
    }
  }
  return result;
}
