import type { KubeClient } from "../../kube/kube-client.js";
import { lockRef } from "./lock-lease.js";
import { lockInfoFromLease } from "./read-lock.js";

/**
 * Deletes the environment's lock whoever holds it (`/unlock`, `zakenak unlock`). Returns the former
 * holder's description, or undefined when the environment was not locked. A holder that is still
 * running notices at its next renewal and reports the lock as lost.
 */
export async function forceUnlock(client: KubeClient, environment: string): Promise<string | undefined> {
  const ref = lockRef(environment);
  const lease = await client.get(ref);
  if (!lease) return undefined;
  const former = lockInfoFromLease(environment, lease)?.description;
  const deleted = await client.delete(ref);
  return deleted ? former : undefined;
}
