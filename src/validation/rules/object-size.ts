import { DEFAULT_INPUT_LIMITS, INPUT_LIMIT_VARIABLES } from "../../config/input-limits.js";
import type { Finding } from "../../model/finding.js";
import { formatBytes } from "../../model/format-bytes.js";
import type { KubeObject, RenderedObject } from "../../model/kube-object.js";
import { finding, isRecord } from "../objects.js";

/** The API server's cap on a ConfigMap's or Secret's data (`MaxSecretSize`). */
const MAX_DATA_BYTES = 1024 * 1024;
/** The API server's cap on one object's annotations, keys and values together. */
const MAX_ANNOTATION_BYTES = 256 * 1024;

/**
 * `data-too-large`, `annotations-too-large`, `object-too-large`: objects the API server or etcd refuses
 * for their size, measured as they do (data values decoded; annotations keys plus values; the object as
 * sent), so a pull request learns it before an apply fails halfway.
 */
export function objectSize(item: RenderedObject, opts: { maxObjectBytes?: number } = {}): Finding[] {
  const { object } = item;
  const out: Finding[] = [];
  const data = dataBytes(object);
  if (data && data.bytes > MAX_DATA_BYTES) {
    out.push(
      finding(
        "data-too-large",
        item,
        `${object.kind} ${data.fields} hold ${sized(data.bytes)}, over the ${sized(MAX_DATA_BYTES)} the API server accepts`,
      ),
    );
  }
  const annotations = annotationBytes(object.metadata?.annotations);
  if (annotations > MAX_ANNOTATION_BYTES) {
    out.push(
      finding(
        "annotations-too-large",
        item,
        `metadata.annotations hold ${sized(annotations)} in keys and values, over the ${sized(MAX_ANNOTATION_BYTES)} the API server accepts`,
      ),
    );
  }
  const limit = opts.maxObjectBytes ?? DEFAULT_INPUT_LIMITS.maxObjectBytes;
  const serialized = serializedBytes(object);
  if (serialized !== undefined && serialized > limit) {
    out.push(
      finding(
        "object-too-large",
        item,
        `the object is ${sized(serialized)} serialized, over the ${sized(limit)} the cluster stores in one ` +
          `object (etcd's request limit; ${INPUT_LIMIT_VARIABLES.maxObjectBytes} sets it for other clusters)`,
      ),
    );
  }
  return out;
}

function sized(bytes: number): string {
  return `${formatBytes(bytes)} (${bytes} bytes)`;
}

/** What the API server counts against `MaxSecretSize`: the values, decoded, never the keys. */
function dataBytes(object: KubeObject): { fields: string; bytes: number } | undefined {
  if (object.apiVersion !== "v1") return undefined;
  if (object.kind === "ConfigMap") {
    const bytes = sum(object.data, (v) => Buffer.byteLength(v, "utf8")) + sum(object.binaryData, base64Bytes);
    return { fields: "data and binaryData", bytes };
  }
  if (object.kind === "Secret") {
    // The API server merges stringData into data, a stringData key replacing the same data key.
    const replaced = isRecord(object.stringData) ? object.stringData : {};
    const bytes =
      sum(object.data, base64Bytes, (k) => !Object.hasOwn(replaced, k)) +
      sum(object.stringData, (v) => Buffer.byteLength(v, "utf8"));
    return { fields: "data and stringData", bytes };
  }
  return undefined;
}

function annotationBytes(annotations: unknown): number {
  return sum(annotations, (v, k) => Buffer.byteLength(k, "utf8") + Buffer.byteLength(v, "utf8"));
}

/** The object as JSON, as an apply sends it; undefined when it has no JSON form (a cycle of aliases). */
function serializedBytes(object: KubeObject): number | undefined {
  try {
    return Buffer.byteLength(JSON.stringify(object), "utf8");
  } catch {
    return undefined;
  }
}

function base64Bytes(value: string): number {
  return Buffer.from(value, "base64").length;
}

/** Sizes of a map's string values (other values are the schema rule's business), in one pass. */
function sum(
  map: unknown,
  size: (value: string, key: string) => number,
  counts: (key: string) => boolean = () => true,
): number {
  if (!isRecord(map)) return 0;
  let bytes = 0;
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (typeof value === "string" && counts(key)) bytes += size(value, key);
  }
  return bytes;
}
