import { setTimeout as delay } from "node:timers/promises";
import type { KubeClient } from "../../kube/kube-client.js";
import type { KubeObject } from "../../model/kube-object.js";
import { mapLimit } from "../../model/map-limit.js";
import { objectRef } from "../../model/object-key.js";
import { withRetry } from "../../retry.js";
import { assessHealth, WATCHED_KINDS } from "./assess-health.js";

const POLL_MS = 500;

export interface HealthResult {
  healthy: boolean;
  /** Why not: the first failed object, or every object still progressing at the deadline. */
  message: string;
}

/**
 * Polls the watched workloads until all are healthy, one has failed (ProgressDeadlineExceeded, a failed
 * Job: no point waiting further) or the timeout passes.
 */
export async function waitForHealth(
  client: KubeClient,
  objects: readonly KubeObject[],
  opts: { timeoutMs: number; onWait?: (pending: string[]) => void },
): Promise<HealthResult> {
  const watched = objects.filter((o) => WATCHED_KINDS.has(o.kind));
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const states = await mapLimit(watched, 8, async (o) => {
      const ref = {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name as string,
        ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      };
      const live = await withRetry(() => client.get(ref));
      const health = live
        ? assessHealth(live)
        : { state: "failed" as const, message: "deleted while waiting" };
      return { ref: objectRef(o), ...health };
    });
    const failed = states.find((s) => s.state === "failed");
    if (failed) return { healthy: false, message: `${failed.ref}: ${failed.message}` };
    const pending = states.filter((s) => s.state === "progressing");
    if (pending.length === 0) return { healthy: true, message: `${watched.length} workloads healthy` };
    if (Date.now() >= deadline) {
      const list = pending.map((p) => `${p.ref} (${p.message})`).join(", ");
      return { healthy: false, message: `not healthy after ${Math.round(opts.timeoutMs / 1000)}s: ${list}` };
    }
    opts.onWait?.(pending.map((p) => `${p.ref}: ${p.message}`));
    await delay(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
}
