import { setTimeout as delay } from "node:timers/promises";
import type { KubeClient } from "../../src/kube/kube-client.js";
import type { KubeObject } from "../../src/model/kube-object.js";

/**
 * The test control plane runs no controllers: these stand in for the Deployment, Job and volume
 * controllers by writing status through the status subresource under their own field manager.
 */
export const CONTROLLER_MANAGER = "test-controller";

type Obj = Record<string, unknown>;

function statusPatch(obj: KubeObject, status: Obj): KubeObject {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace },
    status,
  };
}

function replicasOf(dep: KubeObject): number {
  const r = (dep.spec as Obj | undefined)?.replicas;
  return typeof r === "number" ? r : 1;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

/** Reports the live Deployment rolled out: every replica updated, ready and available. */
export function markDeploymentReady(client: KubeClient, dep: KubeObject): Promise<KubeObject> {
  const n = replicasOf(dep);
  const t = now();
  return client.applyStatus(
    statusPatch(dep, {
      observedGeneration: dep.metadata.generation,
      replicas: n,
      updatedReplicas: n,
      readyReplicas: n,
      availableReplicas: n,
      conditions: [
        {
          type: "Available",
          status: "True",
          reason: "MinimumReplicasAvailable",
          message: "Deployment has minimum availability.",
          lastUpdateTime: t,
          lastTransitionTime: t,
        },
        {
          type: "Progressing",
          status: "True",
          reason: "NewReplicaSetAvailable",
          message: "ReplicaSet has successfully progressed.",
          lastUpdateTime: t,
          lastTransitionTime: t,
        },
      ],
    }),
    { fieldManager: CONTROLLER_MANAGER, force: true },
  );
}

/** Reports the live Deployment stuck: its progress deadline passed with no replica updated. */
export function markDeploymentDeadlineExceeded(client: KubeClient, dep: KubeObject): Promise<KubeObject> {
  const n = replicasOf(dep);
  const t = now();
  return client.applyStatus(
    statusPatch(dep, {
      observedGeneration: dep.metadata.generation,
      replicas: n,
      updatedReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      unavailableReplicas: n,
      conditions: [
        {
          type: "Available",
          status: "False",
          reason: "MinimumReplicasUnavailable",
          message: "Deployment does not have minimum availability.",
          lastUpdateTime: t,
          lastTransitionTime: t,
        },
        {
          type: "Progressing",
          status: "False",
          reason: "ProgressDeadlineExceeded",
          message: `ReplicaSet "${dep.metadata.name}-1" has timed out progressing.`,
          lastUpdateTime: t,
          lastTransitionTime: t,
        },
      ],
    }),
    { fieldManager: CONTROLLER_MANAGER, force: true },
  );
}

/** Reports the Job failed, the way the Job controller does (FailureTarget first, then Failed). */
export function markJobFailed(client: KubeClient, job: KubeObject): Promise<KubeObject> {
  const t = now();
  const condition = (type: string) => ({
    type,
    status: "True",
    reason: "BackoffLimitExceeded",
    message: "Job has reached the specified backoff limit",
    lastProbeTime: t,
    lastTransitionTime: t,
  });
  return client.applyStatus(
    statusPatch(job, {
      startTime: t,
      failed: 1,
      active: 0,
      ready: 0,
      terminating: 0,
      uncountedTerminatedPods: {},
      conditions: [condition("FailureTarget"), condition("Failed")],
    }),
    { fieldManager: CONTROLLER_MANAGER, force: true },
  );
}

export function markClaimBound(client: KubeClient, pvc: KubeObject): Promise<KubeObject> {
  const spec = (pvc.spec ?? {}) as Obj;
  const requests = ((spec.resources as Obj | undefined)?.requests ?? {}) as Obj;
  return client.applyStatus(
    statusPatch(pvc, {
      phase: "Bound",
      accessModes: spec.accessModes,
      capacity: { storage: requests.storage },
    }),
    { fieldManager: CONTROLLER_MANAGER, force: true },
  );
}

export type DeploymentVerdict = "ready" | "deadline-exceeded" | "leave";

export interface FakeControllerOptions {
  /** Namespaces watched; nothing elsewhere is touched. */
  namespaces: readonly string[];
  /** What becomes of each Deployment generation; default: ready. */
  deployments?: (dep: KubeObject) => DeploymentVerdict;
  /** Mark PersistentVolumeClaims Bound (default true). */
  claims?: boolean;
  intervalMs?: number;
}

export interface FakeController {
  /** Status writes so far, as `Kind/namespace/name@generation: verdict`. */
  readonly actions: string[];
  /** Errors of the loop (it keeps going); a test may assert there were none. */
  readonly errors: unknown[];
  stop(): Promise<void>;
}

/**
 * A background loop acting as the Deployment and volume controllers for some namespaces: each new
 * Deployment generation gets the status `deployments` decides; claims are bound.
 */
export function startFakeController(client: KubeClient, opts: FakeControllerOptions): FakeController {
  const actions: string[] = [];
  const errors: unknown[] = [];
  const decide = opts.deployments ?? (() => "ready");
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const namespace of opts.namespaces) {
        try {
          for (const dep of await client.list("apps/v1", "Deployment", { namespace })) {
            const status = (dep.status ?? {}) as Obj;
            if (status.observedGeneration === dep.metadata.generation) continue;
            const verdict = decide(dep);
            if (verdict === "leave") continue;
            if (verdict === "ready") await markDeploymentReady(client, dep);
            else await markDeploymentDeadlineExceeded(client, dep);
            actions.push(
              `Deployment/${namespace}/${dep.metadata.name}@${dep.metadata.generation}: ${verdict}`,
            );
          }
          if (opts.claims !== false) {
            for (const pvc of await client.list("v1", "PersistentVolumeClaim", { namespace })) {
              if ((pvc.status as Obj | undefined)?.phase === "Bound") continue;
              await markClaimBound(client, pvc);
              actions.push(`PersistentVolumeClaim/${namespace}/${pvc.metadata.name}: bound`);
            }
          }
        } catch (err) {
          errors.push(err);
        }
      }
      await delay(opts.intervalMs ?? 100);
    }
  })();
  return {
    actions,
    errors,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
