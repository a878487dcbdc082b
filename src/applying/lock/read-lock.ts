import type { KubeClient } from "../../kube/kube-client.js";
import type { KubeObject } from "../../model/kube-object.js";
import { DEFAULT_LEASE_SECONDS, HOLDER_ANNOTATION, leaseSpec, lockRef } from "./lock-lease.js";
import { parseKubeTime } from "./micro-time.js";

export interface LockInfo {
  environment: string;
  /** Stable identity of the holder (`holderIdentity`). */
  holder: string;
  /** Who or what holds it, for people: `cli apply by alice on host/1234`, `job 123`. */
  description: string;
  acquiredAt: Date;
  renewedAt: Date;
  expiresAt: Date;
  expired: boolean;
  leaseSeconds: number;
}

/**
 * What a Lease says about the lock, or undefined when it is free (no holder). Expiry is judged with
 * this machine's clock against the holder's renewTime, as Kubernetes leader election does.
 */
export function lockInfoFromLease(
  environment: string,
  lease: KubeObject,
  now = new Date(),
): LockInfo | undefined {
  const spec = leaseSpec(lease);
  if (spec.holderIdentity === undefined) return undefined;
  const leaseSeconds = spec.leaseDurationSeconds ?? DEFAULT_LEASE_SECONDS;
  const acquiredAt = parseKubeTime(spec.acquireTime) ?? parseKubeTime(spec.renewTime) ?? new Date(0);
  const renewedAt = parseKubeTime(spec.renewTime) ?? acquiredAt;
  const expiresAt = new Date(renewedAt.getTime() + leaseSeconds * 1000);
  return {
    environment,
    holder: spec.holderIdentity,
    description: lease.metadata.annotations?.[HOLDER_ANNOTATION] || spec.holderIdentity,
    acquiredAt,
    renewedAt,
    expiresAt,
    expired: expiresAt.getTime() < now.getTime(),
    leaseSeconds,
  };
}

/** The environment's lock as it stands, or undefined when nobody holds it. */
export async function readLock(client: KubeClient, environment: string): Promise<LockInfo | undefined> {
  const lease = await client.get(lockRef(environment));
  return lease ? lockInfoFromLease(environment, lease) : undefined;
}
