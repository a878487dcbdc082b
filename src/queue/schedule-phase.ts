import { createHash } from "node:crypto";

/**
 * A fixed phase within a repeating job's interval, from its scheduler id: schedulers spread over the
 * interval instead of all firing at the same instant (jitter that stays put), and one keeps its phase
 * when it is scheduled again.
 */
export function schedulePhaseMs(schedulerId: string, intervalMs: number): number {
  return createHash("sha256").update(schedulerId).digest().readUInt32BE(0) % intervalMs;
}
