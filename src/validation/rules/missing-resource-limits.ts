import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";
import { containersOf, finding, isRecord, podSpecOf } from "../objects.js";

/** `missing-resource-limits`: a container (or init container) without both a CPU and a memory limit. */
export function missingResourceLimits(item: RenderedObject): Finding[] {
  const pod = podSpecOf(item.object);
  if (!pod) return [];
  const findings: Finding[] = [];
  for (const { container, path, label } of containersOf(pod, ["containers", "initContainers"])) {
    const resources = isRecord(container.resources) ? container.resources : {};
    const limits = isRecord(resources.limits) ? resources.limits : {};
    const missing = ["cpu", "memory"].filter((r) => limits[r] === undefined || limits[r] === null);
    if (missing.length === 0) continue;
    findings.push(
      finding(
        "missing-resource-limits",
        item,
        `${label} has no ${missing.join(" or ")} limit (${path}.resources.limits)`,
      ),
    );
  }
  return findings;
}
