import type { KubeClient, ObjectRef } from "../kube/kube-client.js";
import type { KubeObject } from "../model/kube-object.js";
import { mapLimit } from "../model/map-limit.js";
import { objectKey } from "../model/object-key.js";
import { withRetry } from "../retry.js";
import { ENVIRONMENT_LABEL } from "./strip-server-fields.js";

/** The rendered objects of one kind, and whether the server keeps that kind in namespaces. */
interface KindGroup {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  objects: KubeObject[];
}

/**
 * The live objects of an environment that match `objects`, by key: one list per kind by the environment
 * label. Credentials that may not list a kind across the cluster (a Role per namespace) get narrower
 * reads instead: one list per namespace the objects name, or for a cluster-scoped kind a read of each
 * object by name (namespaced RBAC can allow reading one's own Namespace while listing them all is
 * forbidden). A refusal of the narrower read is the answer: it names the namespace or object.
 */
export async function liveObjectsOf(
  client: KubeClient,
  objects: readonly KubeObject[],
  environment: string,
  concurrency: number,
): Promise<Map<string, KubeObject>> {
  const groups = await kindGroups(client, objects, concurrency);
  const live = new Map<string, KubeObject>();
  await mapLimit(groups, concurrency, async (group) => {
    for (const o of await readKind(client, group, environment, concurrency)) {
      live.set(objectKey({ ...o, apiVersion: group.apiVersion }), o);
    }
  });
  return live;
}

async function kindGroups(
  client: KubeClient,
  objects: readonly KubeObject[],
  concurrency: number,
): Promise<KindGroup[]> {
  const byKind = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    byKind.set(key, [...(byKind.get(key) ?? []), o]);
  }
  const groups = await mapLimit([...byKind.values()], concurrency, async (group) => {
    const { apiVersion, kind } = group[0] as KubeObject;
    // A kind the server does not serve yet (a CRD in this same revision) has nothing live to compare.
    const info = await withRetry(() => client.resource(apiVersion, kind)).catch(missingAsUndefined);
    return info && { apiVersion, kind, namespaced: info.namespaced, objects: group };
  });
  return groups.filter((g): g is KindGroup => g !== undefined);
}

async function readKind(
  client: KubeClient,
  group: KindGroup,
  environment: string,
  concurrency: number,
): Promise<KubeObject[]> {
  const labelSelector = `${ENVIRONMENT_LABEL}=${environment}`;
  const list = (namespace?: string) =>
    withRetry(() =>
      client.list(group.apiVersion, group.kind, { labelSelector, ...(namespace ? { namespace } : {}) }),
    ).catch((err: unknown) => missingAsUndefined(err) ?? []);
  try {
    return await list();
  } catch (err) {
    if ((err as { code?: string }).code !== "forbidden") throw err;
  }
  if (group.namespaced) {
    // A namespaced object with no namespace cannot match a live one by key: nothing to look up.
    const namespaces = [...new Set(group.objects.map((o) => o.metadata.namespace).filter((ns) => !!ns))];
    return (await mapLimit(namespaces, concurrency, (ns) => list(ns))).flat();
  }
  const found = await mapLimit(group.objects, concurrency, (o) =>
    withRetry(() => client.get(refOf(o))).catch(missingAsUndefined),
  );
  return found.filter(
    (o): o is KubeObject => o !== undefined && o.metadata.labels?.[ENVIRONMENT_LABEL] === environment,
  );
}

function missingAsUndefined(err: unknown): undefined {
  const code = (err as { code?: string }).code;
  if (code === "not-found" || code === "unknown-kind") return undefined;
  throw err;
}

function refOf(o: KubeObject): ObjectRef {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name as string };
}
