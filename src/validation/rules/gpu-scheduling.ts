import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";
import { GPU, gpuContainers } from "../gpu.js";
import { finding, isRecord, podSpecOf } from "../objects.js";

function toleratesGpu(tolerations: unknown): boolean {
  if (!Array.isArray(tolerations)) return false;
  return tolerations.some(
    (t) =>
      isRecord(t) && (t.key === GPU || ((t.key === undefined || t.key === "") && t.operator === "Exists")),
  );
}

function targetsNodes(spec: Record<string, unknown>): boolean {
  const selector = spec.nodeSelector;
  if (isRecord(selector) && Object.keys(selector).length > 0) return true;
  return isRecord(spec.affinity) && isRecord(spec.affinity.nodeAffinity);
}

/**
 * `gpu-scheduling`: a pod using nvidia.com/gpu that does not tolerate the GPU nodes' taint or does not
 * select GPU nodes (nodeSelector or node affinity).
 */
export function gpuScheduling(item: RenderedObject): Finding[] {
  const pod = podSpecOf(item.object);
  if (!pod) return [];
  const uses = gpuContainers(pod);
  if (uses.length === 0) return [];
  const who = uses.map((u) => u.at.label).join(", ");
  const findings: Finding[] = [];
  if (!toleratesGpu(pod.spec.tolerations)) {
    findings.push(
      finding(
        "gpu-scheduling",
        item,
        `pod uses ${GPU} (${who}) but has no toleration for ${GPU} (${pod.path}.tolerations)`,
      ),
    );
  }
  if (!targetsNodes(pod.spec)) {
    findings.push(
      finding(
        "gpu-scheduling",
        item,
        `pod uses ${GPU} (${who}) but has no nodeSelector or node affinity to pick GPU nodes (${pod.path})`,
      ),
    );
  }
  return findings;
}
