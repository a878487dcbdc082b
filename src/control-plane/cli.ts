import { mkdir } from "node:fs/promises";
import { controlPlaneBinaries } from "./binaries.js";
import { controlPlaneVersions } from "./control-plane-versions.js";
import { isProcessAlive } from "./is-process-alive.js";
import {
  type LocalControlPlaneState,
  localControlPlaneDir,
  readLocalControlPlaneState,
  removeLocalControlPlaneState,
  writeLocalControlPlaneState,
} from "./local-control-plane-state.js";
import { spawnControlPlane } from "./spawn-control-plane.js";
import { stopControlPlaneProcesses } from "./stop-control-plane-processes.js";

const usage = `usage: npm run control-plane -- up|down|status

  up      start kube-apiserver and etcd in the background; prints the kubeconfig path
  down    stop them
  status  print "up", "starting" or "down"

State lives in $ZAKENAK_LOCAL_CONTROL_PLANE_DIR (default: $ZAKENAK_CACHE_DIR/local-control-plane).`;

// Every argument of both processes names the state dir, so it tells our processes from a reused pid.
function isUp(state: LocalControlPlaneState | undefined): boolean {
  const { etcd, kubeApiserver } = state?.pids ?? {};
  return (
    state?.ready === true &&
    etcd !== undefined &&
    kubeApiserver !== undefined &&
    isProcessAlive(etcd, state.dir) &&
    isProcessAlive(kubeApiserver, state.dir)
  );
}

async function down(dir: string): Promise<void> {
  const state = await readLocalControlPlaneState(dir);
  if (state) await stopControlPlaneProcesses(state.pids, dir);
  await removeLocalControlPlaneState(dir);
}

async function up(dir: string): Promise<void> {
  const existing = await readLocalControlPlaneState(dir);
  if (isUp(existing) && existing?.kubeconfigPath) {
    console.log(existing.kubeconfigPath);
    return;
  }
  // Half-started or half-dead leftovers from an earlier run would hold ports and confuse `down`.
  await down(dir);
  const binaries = await controlPlaneBinaries();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const startedAt = new Date().toISOString();
  const versions = controlPlaneVersions();
  const spawned = await spawnControlPlane({
    dir,
    binaries,
    detached: true,
    onSpawn: (pids) => writeLocalControlPlaneState({ dir, ready: false, pids, versions, startedAt }),
  }).catch(async (error: unknown) => {
    await removeLocalControlPlaneState(dir);
    throw error;
  });
  await writeLocalControlPlaneState({
    dir,
    ready: true,
    pids: spawned.pids,
    ports: spawned.ports,
    server: spawned.server,
    kubeconfigPath: spawned.kubeconfigPath,
    versions,
    startedAt,
  });
  console.log(spawned.kubeconfigPath);
  console.error(`kube-apiserver ${versions.kubernetes} is up at ${spawned.server}; logs in ${dir}`);
  console.error(`export KUBECONFIG=${spawned.kubeconfigPath}`);
}

async function status(dir: string): Promise<void> {
  const state = await readLocalControlPlaneState(dir);
  if (isUp(state)) {
    console.log("up");
    console.error(`server ${state?.server}, kubeconfig ${state?.kubeconfigPath}`);
  } else if (state && !state.ready && Object.values(state.pids).some((pid) => isProcessAlive(pid, dir))) {
    console.log("starting");
  } else {
    console.log("down");
    if (state) console.error(`stale state in ${dir}; \`down\` cleans it up`);
  }
}

async function main(args: string[]): Promise<number> {
  const dir = localControlPlaneDir();
  switch (args[0]) {
    case "up":
      await up(dir);
      return 0;
    case "down":
      await down(dir);
      console.error("control plane is down");
      return 0;
    case "status":
      await status(dir);
      return 0;
    case "-h":
    case "--help":
      console.log(usage);
      return 0;
    default:
      console.error(usage);
      return 2;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`control-plane: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
