import type { Finding } from "../model/finding.js";
import type { KubeObject, RenderedObject } from "../model/kube-object.js";
import { apiGroup, objectRef } from "../model/object-key.js";
import { defaultSeverity } from "./rules.js";

export { apiGroup, objectRef };

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A finding about `item` at the rule's default severity (overrides are applied later). */
export function finding(rule: string, item: RenderedObject, message: string): Finding {
  const f: Finding = {
    rule,
    severity: defaultSeverity(rule),
    file: item.file,
    object: objectRef(item.object),
    message,
  };
  if (item.line !== undefined) f.line = item.line;
  return f;
}

export interface PodSpecAt {
  spec: Json;
  /** Dotted path of the pod spec inside the object, e.g. `spec.template.spec`. */
  path: string;
}

const POD_SPEC_PATHS: Record<string, string[]> = {
  "/Pod": ["spec"],
  "/PodTemplate": ["template", "spec"],
  "/ReplicationController": ["spec", "template", "spec"],
  "apps/Deployment": ["spec", "template", "spec"],
  "apps/StatefulSet": ["spec", "template", "spec"],
  "apps/DaemonSet": ["spec", "template", "spec"],
  "apps/ReplicaSet": ["spec", "template", "spec"],
  "batch/Job": ["spec", "template", "spec"],
  "batch/CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The pod spec of a workload kind, if the object is one and has it. */
export function podSpecOf(object: KubeObject): PodSpecAt | undefined {
  const path = POD_SPEC_PATHS[`${apiGroup(object.apiVersion)}/${object.kind}`];
  if (!path) return undefined;
  let node: unknown = object;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return isRecord(node) ? { spec: node, path: path.join(".") } : undefined;
}

export type ContainerField = "containers" | "initContainers" | "ephemeralContainers";

export interface ContainerAt {
  container: Json;
  /** Dotted path, e.g. `spec.template.spec.containers[0]`. */
  path: string;
  /** `container "app"` for messages. */
  label: string;
}

const ALL_CONTAINER_FIELDS: ContainerField[] = ["containers", "initContainers", "ephemeralContainers"];

export function containersOf(pod: PodSpecAt, fields: ContainerField[] = ALL_CONTAINER_FIELDS): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const field of fields) {
    const list = pod.spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container, i) => {
      if (!isRecord(container)) return;
      const name = typeof container.name === "string" ? container.name : `#${i}`;
      const kind = field === "containers" ? "container" : field.replace(/Containers$/, " container");
      out.push({ container, path: `${pod.path}.${field}[${i}]`, label: `${kind} "${name}"` });
    });
  }
  return out;
}
