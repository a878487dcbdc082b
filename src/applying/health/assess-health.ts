import type { KubeObject } from "../../model/kube-object.js";

export type HealthState = "healthy" | "progressing" | "failed";

export interface Health {
  state: HealthState;
  message: string;
}

type Obj = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === "number" ? v : 0);

/** Kinds whose health is judged; everything else is healthy once the API server accepted it. */
export const WATCHED_KINDS = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "PersistentVolumeClaim",
]);

/** Health of a live object by the rules of `kubectl rollout status` (and Job/PVC conditions). */
export function assessHealth(obj: KubeObject): Health {
  const spec = (obj.spec ?? {}) as Obj;
  const status = (obj.status ?? {}) as Obj;
  const generation = num(obj.metadata.generation);
  const observed = num(status.observedGeneration);
  const conditions = (Array.isArray(status.conditions) ? status.conditions : []) as Obj[];
  const condition = (type: string) => conditions.find((c) => c.type === type);
  switch (obj.kind) {
    case "Deployment": {
      if (generation > observed) return progressing("waiting for the rollout to be observed");
      const p = condition("Progressing");
      if (p?.reason === "ProgressDeadlineExceeded")
        return { state: "failed", message: `progress deadline exceeded: ${p.message ?? ""}`.trim() };
      const want = spec.replicas === undefined ? 1 : num(spec.replicas);
      const updated = num(status.updatedReplicas);
      if (updated < want) return progressing(`${updated} of ${want} replicas updated`);
      if (num(status.replicas) > updated)
        return progressing(`${num(status.replicas) - updated} old replicas pending termination`);
      if (num(status.availableReplicas) < updated)
        return progressing(`${num(status.availableReplicas)} of ${updated} updated replicas available`);
      return healthy(`${updated} replicas available`);
    }
    case "StatefulSet": {
      if (generation > observed) return progressing("waiting for the rollout to be observed");
      const want = spec.replicas === undefined ? 1 : num(spec.replicas);
      if (num(status.readyReplicas) < want)
        return progressing(`${num(status.readyReplicas)} of ${want} replicas ready`);
      const strategy = (spec.updateStrategy ?? {}) as Obj;
      const partition = num(((strategy.rollingUpdate ?? {}) as Obj).partition);
      if (strategy.type === "OnDelete") return healthy(`${want} replicas ready`);
      if (partition > 0) {
        return num(status.updatedReplicas) >= want - partition
          ? healthy(`partitioned rollout done`)
          : progressing(`${num(status.updatedReplicas)} of ${want - partition} partitioned replicas updated`);
      }
      if (status.updateRevision !== status.currentRevision)
        return progressing("waiting for the update revision to become current");
      return healthy(`${want} replicas ready`);
    }
    case "DaemonSet": {
      if (generation > observed) return progressing("waiting for the rollout to be observed");
      const desired = num(status.desiredNumberScheduled);
      if (num(status.updatedNumberScheduled) < desired)
        return progressing(`${num(status.updatedNumberScheduled)} of ${desired} pods updated`);
      if (num(status.numberAvailable) < desired)
        return progressing(`${num(status.numberAvailable)} of ${desired} pods available`);
      return healthy(`${desired} pods available`);
    }
    case "Job": {
      if (condition("Failed")?.status === "True")
        return { state: "failed", message: `job failed: ${condition("Failed")?.message ?? ""}`.trim() };
      if (condition("Complete")?.status === "True") return healthy("job complete");
      return progressing("job running");
    }
    case "PersistentVolumeClaim":
      return status.phase === "Bound"
        ? healthy("bound")
        : progressing(`phase ${String(status.phase ?? "Pending")}`);
    default:
      return healthy("applied");
  }
}

function healthy(message: string): Health {
  return { state: "healthy", message };
}

function progressing(message: string): Health {
  return { state: "progressing", message };
}
