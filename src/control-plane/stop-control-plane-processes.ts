import { stopProcess } from "./stop-process.js";

export interface ControlPlanePids {
  etcd: number;
  kubeApiserver: number;
}

/**
 * kube-apiserver goes first: with etcd gone, its graceful shutdown waits on etcd forever. Both are
 * attempted even when the first fails, so nothing is left behind that could have been stopped.
 */
export async function stopControlPlaneProcesses(
  pids: Partial<ControlPlanePids>,
  cmdlineMarker?: string,
): Promise<void> {
  const errors: unknown[] = [];
  for (const pid of [pids.kubeApiserver, pids.etcd]) {
    if (pid === undefined) continue;
    try {
      await stopProcess(pid, { cmdlineMarker });
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, "could not stop every control plane process");
}
