import { Gauge, type Registry } from "prom-client";
import type { DriftState, DriftStatus } from "../drift/drift-state.js";

const STATUSES: readonly DriftStatus[] = ["in-sync", "drifted", "missing", "unknown"];

/**
 * `zakenak_drift_status` (1 for each environment's current status, 0 for the others) and
 * `zakenak_drift_objects`, read from the drift states in Redis at scrape time: whichever replica ran a
 * check, every replica reports it. A failed read exports nothing rather than stale values.
 */
export function registerDriftGauges(registry: Registry, read: () => Promise<DriftState[]>): void {
  const current = () => read().catch((): DriftState[] => []);
  new Gauge({
    name: "zakenak_drift_status",
    help: "Drift of each environment's deployed revision from its cluster: 1 for the current status",
    labelNames: ["repository", "environment", "status"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await current()) {
        for (const status of STATUSES) {
          this.set(
            { repository: s.repository, environment: s.environment, status },
            s.status === status ? 1 : 0,
          );
        }
      }
    },
  });
  new Gauge({
    name: "zakenak_drift_objects",
    help: "Objects of each environment's deployed revision that drifted or are missing in its cluster",
    labelNames: ["repository", "environment"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of await current()) {
        this.set({ repository: s.repository, environment: s.environment }, s.objects.length);
      }
    },
  });
}
