import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { controlPlaneBinaries } from "./binaries.js";
import { type SpawnedControlPlane, spawnControlPlane } from "./spawn-control-plane.js";
import { type ControlPlanePids, stopControlPlaneProcesses } from "./stop-control-plane-processes.js";

export interface ControlPlane extends SpawnedControlPlane {
  /** Stops kube-apiserver, then etcd; removes a directory that startControlPlane made. Idempotent. */
  stop(): Promise<void>;
}

export interface StartControlPlaneOptions {
  /** Where certificates, data, logs and the kubeconfig go. Left in place by stop(), as the caller owns it. */
  dir?: string;
  readyTimeoutMs?: number;
}

/**
 * A kube-apiserver and etcd owned by this process, for tests. Set ZAKENAK_KEEP_CONTROL_PLANE to keep the
 * temporary directory (logs, etcd data) after stop().
 */
export async function startControlPlane(opts: StartControlPlaneOptions = {}): Promise<ControlPlane> {
  const binaries = await controlPlaneBinaries();
  const ownsDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), "zakenak-control-plane-")));
  let pids: Partial<ControlPlanePids> = {};
  // A test run that exits without stop() (a crash, process.exit) must not leave an apiserver running.
  const killOnExit = () => {
    for (const pid of [pids.kubeApiserver, pids.etcd]) {
      if (pid === undefined) continue;
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
  };
  process.on("exit", killOnExit);
  let spawned: SpawnedControlPlane;
  try {
    spawned = await spawnControlPlane({
      dir,
      binaries,
      detached: false,
      readyTimeoutMs: opts.readyTimeoutMs,
      onSpawn: (spawnedPids) => {
        pids = spawnedPids;
      },
    });
  } catch (error) {
    process.off("exit", killOnExit);
    // The directory is kept on failure: its logs are what explains it.
    throw new Error(`control plane did not start (logs in ${dir}): ${(error as Error).message}`, {
      cause: error,
    });
  }
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await stopControlPlaneProcesses(spawned.pids);
    process.off("exit", killOnExit);
    if (ownsDir && !process.env.ZAKENAK_KEEP_CONTROL_PLANE) await rm(dir, { recursive: true, force: true });
  };
  return {
    ...spawned,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}
