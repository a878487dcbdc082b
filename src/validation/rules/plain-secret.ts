import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";
import { finding, isRecord } from "../objects.js";

/**
 * `plain-secret`: a v1 Secret whose data or stringData is committed to Git. The message names the keys
 * only, never the values.
 */
export function plainSecret(item: RenderedObject): Finding[] {
  const { object } = item;
  if (object.apiVersion !== "v1" || object.kind !== "Secret") return [];
  const keys = [object.data, object.stringData].flatMap((map) => (isRecord(map) ? Object.keys(map) : []));
  if (keys.length === 0) return [];
  const names = [...new Set(keys)].join(", ");
  return [
    finding(
      "plain-secret",
      item,
      `Secret has values committed to Git in data/stringData (keys: ${names}); use a sealed or external secret`,
    ),
  ];
}
