import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";
import { apiGroup, finding, isRecord } from "../objects.js";

function where(item: RenderedObject): string {
  const line = item.line !== undefined ? `:${item.line}` : "";
  return `${item.file}${line} (release ${item.release})`;
}

/**
 * `duplicate-object`: the same group/kind/namespace/name rendered twice, in one release or across releases.
 * Reported on every later copy, naming where the first one came from.
 */
export function duplicateObject(items: RenderedObject[]): Finding[] {
  const seen = new Map<string, RenderedObject>();
  const findings: Finding[] = [];
  for (const item of items) {
    const { object } = item;
    const meta = isRecord(object.metadata) ? object.metadata : {};
    if (typeof meta.name !== "string" || meta.name === "" || typeof object.kind !== "string") continue;
    const namespace = typeof meta.namespace === "string" ? meta.namespace : "";
    const key = [apiGroup(object.apiVersion), object.kind, namespace, meta.name].join("\u0000");
    const first = seen.get(key);
    if (!first) {
      seen.set(key, item);
      continue;
    }
    const group = apiGroup(object.apiVersion);
    const kind = group === "" ? object.kind : `${object.kind}.${group}`;
    const id = namespace === "" ? meta.name : `${namespace}/${meta.name}`;
    findings.push(
      finding(
        "duplicate-object",
        item,
        `${kind} ${id} is defined twice: in ${where(first)} and in ${where(item)}`,
      ),
    );
  }
  return findings;
}
