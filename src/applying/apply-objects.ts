import type { KubeClient } from "../kube/kube-client.js";
import type { KubeObject } from "../model/kube-object.js";
import { mapLimit } from "../model/map-limit.js";
import { objectKey, objectRef } from "../model/object-key.js";
import { withRetry } from "../retry.js";
import { asStored, isSubset } from "../server-side-apply/is-subset.js";
import { APPLIED_HASH, ENVIRONMENT_LABEL } from "../server-side-apply/strip-server-fields.js";
import { applyStages } from "./apply-order.js";

/** Requests in flight: about what saturates an API server on two cores, with a little headroom. */
export const APPLY_CONCURRENCY = 12;
const CRD_TIMEOUT_MS = 60_000;

export interface ApplyObjectsOptions {
  environment: string;
  force?: boolean;
  onProgress?: (done: number, total: number) => void;
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
  const live = await liveByKey(client, objects, opts.environment);
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

/** Live objects of this environment, by key: one list per kind, cluster-wide, by the environment label. */
async function liveByKey(
  client: KubeClient,
  objects: KubeObject[],
  environment: string,
): Promise<Map<string, KubeObject>> {
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of objects) kinds.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  const live = new Map<string, KubeObject>();
  await mapLimit([...kinds.values()], APPLY_CONCURRENCY, async ({ apiVersion, kind }) => {
    // A kind the server does not serve yet (a CRD in this same revision) has nothing live to compare.
    const found = await withRetry(() =>
      client.list(apiVersion, kind, { labelSelector: `${ENVIRONMENT_LABEL}=${environment}` }),
    ).catch((err: { code?: string }) => {
      if (err.code === "not-found" || err.code === "unknown-kind") return [];
      throw err;
    });
    for (const o of found) live.set(objectKey({ ...o, apiVersion }), o);
  });
  return live;
}
