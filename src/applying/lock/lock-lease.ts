import type { ObjectRef } from "../../kube/kube-client.js";
import type { KubeObject } from "../../model/kube-object.js";
import { formatMicroTime } from "./micro-time.js";
import { ENVIRONMENT_LABEL, MANAGED_BY_LABEL, SYSTEM_NAMESPACE } from "./system-namespace.js";

export const HOLDER_ANNOTATION = "zakenak.io/holder";
export const DEFAULT_LEASE_SECONDS = 30;

export function lockLeaseName(environment: string): string {
  return `zakenak-lock-${environment}`;
}

export function lockRef(environment: string): ObjectRef {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    namespace: SYSTEM_NAMESPACE,
    name: lockLeaseName(environment),
  };
}

export interface LeaseFields {
  environment: string;
  holder: string;
  description: string;
  leaseSeconds: number;
  acquireTime: Date;
  renewTime: Date;
  transitions: number;
  /** The version being replaced; absent for a create. */
  resourceVersion?: string;
  /**
   * The uid of the Lease being replaced. Leases allow create-on-update: a PUT without it would silently
   * recreate a Lease deleted by a forced unlock instead of failing.
   */
  uid?: string;
}

export function buildLease(f: LeaseFields): KubeObject {
  const ref = lockRef(f.environment);
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: {
      name: ref.name,
      namespace: ref.namespace,
      labels: { [MANAGED_BY_LABEL]: "zakenak", [ENVIRONMENT_LABEL]: f.environment },
      annotations: { [HOLDER_ANNOTATION]: f.description },
      ...(f.resourceVersion === undefined ? {} : { resourceVersion: f.resourceVersion }),
      ...(f.uid === undefined ? {} : { uid: f.uid }),
    },
    spec: {
      holderIdentity: f.holder,
      leaseDurationSeconds: f.leaseSeconds,
      acquireTime: formatMicroTime(f.acquireTime),
      renewTime: formatMicroTime(f.renewTime),
      leaseTransitions: f.transitions,
    },
  };
}

/** The fields of a Lease read back from the cluster, each checked rather than trusted. */
export function leaseSpec(lease: KubeObject): {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions: number;
} {
  const spec = (typeof lease.spec === "object" && lease.spec !== null ? lease.spec : {}) as Record<
    string,
    unknown
  >;
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  return {
    holderIdentity: str(spec.holderIdentity),
    leaseDurationSeconds: num(spec.leaseDurationSeconds),
    acquireTime: str(spec.acquireTime),
    renewTime: str(spec.renewTime),
    leaseTransitions: num(spec.leaseTransitions) ?? 0,
  };
}

export function resourceVersionOf(obj: KubeObject): string | undefined {
  const rv = obj.metadata.resourceVersion;
  return typeof rv === "string" ? rv : undefined;
}

export function uidOf(obj: KubeObject): string | undefined {
  const uid = obj.metadata.uid;
  return typeof uid === "string" ? uid : undefined;
}
