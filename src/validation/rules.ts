import type { Severity } from "../model/finding.js";

export interface RuleInfo {
  /** Stable kebab-case id, used in findings and in `policy.rules`. */
  id: string;
  defaultSeverity: Severity;
  description: string;
}

/** Every validation rule. Ids are part of the configuration format: never rename one. */
export const RULES: readonly RuleInfo[] = [
  {
    id: "schema",
    defaultSeverity: "error",
    description:
      "Built-in Kubernetes kinds must match the Kubernetes OpenAPI schema: no unknown fields, right types, required fields set.",
  },
  {
    id: "unknown-kind",
    defaultSeverity: "warning",
    description:
      "The kind has no known schema (custom resources, unknown API versions), so it is not validated.",
  },
  {
    id: "duplicate-object",
    defaultSeverity: "error",
    description:
      "The same group/kind/namespace/name is rendered more than once, in one release or across releases.",
  },
  {
    id: "missing-namespace",
    defaultSeverity: "error",
    description: "A namespaced kind has no metadata.namespace.",
  },
  {
    id: "privileged-container",
    defaultSeverity: "error",
    description: "A container sets securityContext.privileged: true.",
  },
  {
    id: "host-path-volume",
    defaultSeverity: "error",
    description: "A pod mounts a hostPath volume.",
  },
  {
    id: "image-latest-tag",
    defaultSeverity: "warning",
    description: "A container image uses the `latest` tag or no tag at all (digests are fine).",
  },
  {
    id: "missing-resource-limits",
    defaultSeverity: "warning",
    description: "A container has no CPU or memory limit.",
  },
  {
    id: "rbac-wildcard",
    defaultSeverity: "warning",
    description: "A Role or ClusterRole rule uses `*` in verbs, resources or apiGroups.",
  },
  {
    id: "gpu-limits",
    defaultSeverity: "error",
    description:
      "A container requests nvidia.com/gpu without an equal limit (extended resources need requests == limits).",
  },
  {
    id: "gpu-scheduling",
    defaultSeverity: "warning",
    description: "A pod using GPUs has no toleration for nvidia.com/gpu or no nodeSelector/node affinity.",
  },
  {
    id: "plain-secret",
    defaultSeverity: "error",
    description: "A Secret with data or stringData is committed to Git in plain text.",
  },
  {
    id: "data-too-large",
    defaultSeverity: "error",
    description:
      "A ConfigMap's data + binaryData, or a Secret's data + stringData, hold more than 1 MiB: the API server refuses it.",
  },
  {
    id: "annotations-too-large",
    defaultSeverity: "error",
    description:
      "An object's annotations, keys and values together, exceed 256 KiB: the API server refuses it.",
  },
  {
    id: "object-too-large",
    defaultSeverity: "error",
    description:
      "The object serialized exceeds what etcd stores (1.5 MiB by default; ZAKENAK_MAX_OBJECT_BYTES for other limits).",
  },
  {
    id: "secret-in-change",
    defaultSeverity: "error",
    description:
      "A line the change adds holds a private key, a cloud or Git-host token, or a high-entropy value under a secret-like key (the value is never shown).",
  },
  {
    id: "image-missing",
    defaultSeverity: "error",
    description:
      "A container image's tag or digest does not exist in its registry, or the reference is not valid.",
  },
  {
    id: "image-registry-auth",
    defaultSeverity: "error",
    description: "The registry refused the credentials the server configuration gives for it.",
  },
  {
    id: "image-registry-credentials",
    defaultSeverity: "warning",
    description:
      "The registry refused anonymous access and no credentials are configured for it: the image is not checked.",
  },
  {
    id: "image-registry-unreachable",
    defaultSeverity: "warning",
    description:
      "The registry could not be reached within the time limit (or answered an error): its images are not checked.",
  },
  {
    id: "image-pull-secret",
    defaultSeverity: "warning",
    description:
      "An image needs registry credentials, but neither the pod nor its ServiceAccount has an imagePullSecret for that registry.",
  },
  {
    id: "image-vulnerabilities",
    defaultSeverity: "error",
    description:
      "Harbor's scan of the image found vulnerabilities above the severity the environment allows.",
  },
  {
    id: "image-unsigned",
    defaultSeverity: "error",
    description:
      "The environment requires signed images and Harbor has no cosign or notation signature for the image.",
  },
  {
    id: "image-not-scanned",
    defaultSeverity: "warning",
    description:
      "The environment has a vulnerability policy, but Harbor has no finished scan of the image (or could not be read).",
  },
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleInfo(id: string): RuleInfo | undefined {
  return BY_ID.get(id);
}

export function defaultSeverity(id: string): Severity {
  return BY_ID.get(id)?.defaultSeverity ?? "error";
}
