import { structuredPatch } from "diff";
import { stringify } from "yaml";
import { objectKey } from "../kube/object-key.js";
import { maskSecretPair } from "./mask-secrets.js";
import type { KubeObject, ObjectChange } from "./types.js";

/** Lines of context around each change in a diff. */
const CONTEXT = 3;

/**
 * Compares two sets of objects matched by group/kind/namespace/name. Key order never makes a change;
 * Secret values are masked before anything is printed.
 */
export function diffObjects(
  before: readonly KubeObject[],
  after: readonly KubeObject[],
): { changes: ObjectChange[]; unchanged: number } {
  const old = new Map(before.map((o) => [objectKey(o), o]));
  const changes: ObjectChange[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  for (const obj of after) {
    const key = objectKey(obj);
    seen.add(key);
    const prev = old.get(key);
    const [b, a] = maskSecretPair(prev, obj);
    const newText = toYaml(obj);
    if (prev && toYaml(prev) === newText) {
      unchanged++;
      continue;
    }
    changes.push(change(prev ? "update" : "create", obj, b ? toYaml(b) : "", toYaml(a as KubeObject)));
  }
  for (const [key, prev] of old) {
    if (seen.has(key)) continue;
    const [b] = maskSecretPair(prev, undefined);
    changes.push(change("delete", prev, toYaml(b as KubeObject), ""));
  }
  return { changes, unchanged };
}

/** YAML with keys sorted at every level, so equal objects print equally. */
export function toYaml(obj: unknown): string {
  return stringify(obj, { sortMapEntries: true, lineWidth: 0 });
}

/** Unified diff hunks (no file headers) between two texts. */
export function unifiedDiff(oldText: string, newText: string): string {
  const patch = structuredPatch("before", "after", oldText, newText, "", "", { context: CONTEXT });
  return patch.hunks
    .map((h) => `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n${h.lines.join("\n")}`)
    .join("\n");
}

function change(
  action: ObjectChange["action"],
  obj: KubeObject,
  oldText: string,
  newText: string,
): ObjectChange {
  return {
    action,
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    name: obj.metadata.name ?? "",
    diff: unifiedDiff(oldText, newText),
  };
}
