import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";
import { GPU, gpuContainers } from "../gpu.js";
import { finding, podSpecOf } from "../objects.js";

/**
 * `gpu-limits`: a container requesting nvidia.com/gpu without an equal limit. Kubernetes requires requests
 * and limits of extended resources to be equal (a limit alone is fine: the request defaults to it).
 */
export function gpuLimits(item: RenderedObject): Finding[] {
  const pod = podSpecOf(item.object);
  if (!pod) return [];
  const findings: Finding[] = [];
  for (const { at, request, limit } of gpuContainers(pod)) {
    if (request === undefined || request === null) continue;
    if (limit !== undefined && limit !== null && String(limit) === String(request)) continue;
    const problem =
      limit === undefined || limit === null
        ? `requests ${GPU} ${String(request)} without a limit`
        : `requests ${GPU} ${String(request)} but limits it to ${String(limit)}`;
    findings.push(
      finding(
        "gpu-limits",
        item,
        `${at.label} ${problem}; extended resources need requests == limits (${at.path}.resources)`,
      ),
    );
  }
  return findings;
}
