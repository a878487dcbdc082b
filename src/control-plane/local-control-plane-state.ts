import { readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ControlPlanePorts } from "./spawn-control-plane.js";
import type { ControlPlanePids } from "./stop-control-plane-processes.js";
import { zakenakCacheDir } from "./zakenak-cache-dir.js";

/** What `npm run control-plane -- up` leaves behind for `status` and `down`. */
export interface LocalControlPlaneState {
  dir: string;
  /** False while start-up is still going (or was interrupted): the pids are there to clean up. */
  ready: boolean;
  pids: Partial<ControlPlanePids>;
  ports?: ControlPlanePorts;
  server?: string;
  kubeconfigPath?: string;
  versions?: { kubernetes: string; etcd: string };
  startedAt: string;
}

export function localControlPlaneDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.ZAKENAK_LOCAL_CONTROL_PLANE_DIR || join(zakenakCacheDir(env), "local-control-plane"));
}

function statePath(dir: string): string {
  return join(dir, "state.json");
}

export async function readLocalControlPlaneState(dir: string): Promise<LocalControlPlaneState | undefined> {
  let text: string;
  try {
    text = await readFile(statePath(dir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as LocalControlPlaneState;
  } catch (error) {
    throw new Error(`${statePath(dir)} is not valid JSON; delete it: ${(error as Error).message}`);
  }
}

export async function writeLocalControlPlaneState(state: LocalControlPlaneState): Promise<void> {
  await writeFile(statePath(state.dir), `${JSON.stringify(state, null, 2)}\n`);
}

/** Removes what one `up` made; the logs stay for a look after `down`, until the next `up` replaces them. */
export async function removeLocalControlPlaneState(dir: string): Promise<void> {
  for (const name of ["state.json", "kubeconfig", "etcd-data", "pki"]) {
    await rm(join(dir, name), { recursive: true, force: true });
  }
}
