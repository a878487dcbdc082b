import type { ObjectRef } from "../kube/kube-client.js";
import type { KubeObject } from "../model/kube-object.js";
import { objectKey } from "../model/object-key.js";

/** What a revision owns: enough to find each object again, nothing of its content. */
export type InventoryEntry = ObjectRef;

export function inventoryOf(objects: readonly KubeObject[]): InventoryEntry[] {
  return objects.map((o) => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    name: o.metadata.name as string,
  }));
}

/** Entries of `previous` that `next` no longer has (matched by group, kind, namespace and name). */
export function removedEntries(
  previous: readonly InventoryEntry[],
  next: readonly InventoryEntry[],
): InventoryEntry[] {
  const keep = new Set(next.map(entryKey));
  return previous.filter((e) => !keep.has(entryKey(e)));
}

export function entryKey(e: InventoryEntry): string {
  return objectKey({
    apiVersion: e.apiVersion,
    kind: e.kind,
    metadata: { name: e.name, ...(e.namespace ? { namespace: e.namespace } : {}) },
  });
}
