import type { ResourceInfo } from "./kube-client.js";

/**
 * URL path of a collection (no name) or an object, optionally a subresource of it. `namespace` is
 * ignored for cluster-scoped kinds; undefined on a namespaced kind means all namespaces (lists only).
 */
export function resourcePath(
  info: ResourceInfo,
  namespace: string | undefined,
  name?: string,
  subresource?: string,
): string {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  const obj = name === undefined ? "" : `/${encodeURIComponent(name)}`;
  const sub = subresource ? `/${subresource}` : "";
  return `${base}${ns}/${info.plural}${obj}${sub}`;
}

/** How an object is named in messages: `Deployment ai/ollama`, or `Namespace ai` when cluster-scoped. */
export function describeObject(
  kind: string,
  namespace: string | undefined,
  name: string | undefined,
): string {
  return namespace ? `${kind} ${namespace}/${name ?? "(unnamed)"}` : `${kind} ${name ?? "(unnamed)"}`;
}
