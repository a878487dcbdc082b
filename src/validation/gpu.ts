import { type ContainerAt, containersOf, isRecord, type PodSpecAt } from "./objects.js";

export const GPU = "nvidia.com/gpu";

export interface GpuUse {
  at: ContainerAt;
  request: unknown;
  limit: unknown;
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && String(value) !== "0";
}

/** Containers (and init containers) that request or limit nvidia.com/gpu. */
export function gpuContainers(pod: PodSpecAt): GpuUse[] {
  const uses: GpuUse[] = [];
  for (const at of containersOf(pod, ["containers", "initContainers"])) {
    const resources = isRecord(at.container.resources) ? at.container.resources : {};
    const request = isRecord(resources.requests) ? resources.requests[GPU] : undefined;
    const limit = isRecord(resources.limits) ? resources.limits[GPU] : undefined;
    if (isSet(request) || isSet(limit)) uses.push({ at, request, limit });
  }
  return uses;
}
