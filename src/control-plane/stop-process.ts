import { isProcessAlive } from "./is-process-alive.js";
import { waitUntil } from "./wait-until.js";

export interface StopProcessOptions {
  /** How long SIGTERM gets before SIGKILL. */
  graceMs?: number;
  cmdlineMarker?: string;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone, or throws if it never goes. */
export async function stopProcess(
  pid: number,
  { graceMs = 5_000, cmdlineMarker }: StopProcessOptions = {},
): Promise<"not-running" | "terminated" | "killed"> {
  const gone = () => (isProcessAlive(pid, cmdlineMarker) ? undefined : true);
  if (gone()) return "not-running";
  signal(pid, "SIGTERM");
  try {
    await waitUntil(gone, { timeoutMs: graceMs, intervalMs: 50, what: `pid ${pid} to exit after SIGTERM` });
    return "terminated";
  } catch {
    signal(pid, "SIGKILL");
    await waitUntil(gone, { timeoutMs: 5_000, intervalMs: 50, what: `pid ${pid} to exit after SIGKILL` });
    return "killed";
  }
}
