import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runBuildScript } from "../tools/run-build-script.js";
import { controlPlaneVersions } from "./control-plane-versions.js";
import { zakenakCacheDir } from "./zakenak-cache-dir.js";

export interface ControlPlaneBinaries {
  kubeApiserver: string;
  etcd: string;
  dir: string;
}

// The same relative path works from src/control-plane/ (tests) and dist/control-plane/ (the CLI).
const buildScript = fileURLToPath(new URL("../../scripts/build-control-plane.sh", import.meta.url));

function binariesIn(dir: string): ControlPlaneBinaries {
  return { kubeApiserver: join(dir, "kube-apiserver"), etcd: join(dir, "etcd"), dir };
}

async function missingBinary(binaries: ControlPlaneBinaries): Promise<string | undefined> {
  for (const path of [binaries.kubeApiserver, binaries.etcd]) {
    try {
      await access(path, constants.X_OK);
    } catch {
      return path;
    }
  }
  return undefined;
}

/**
 * kube-apiserver and etcd for a local control plane. ZAKENAK_CONTROL_PLANE_DIR points at binaries built
 * elsewhere and is taken as is; otherwise the version-keyed cache is used, built on first use.
 */
export async function controlPlaneBinaries(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ControlPlaneBinaries> {
  const explicitDir = env.ZAKENAK_CONTROL_PLANE_DIR;
  if (explicitDir) {
    const binaries = binariesIn(explicitDir);
    const missing = await missingBinary(binaries);
    if (missing) throw new Error(`${missing} is missing or not executable (ZAKENAK_CONTROL_PLANE_DIR)`);
    return binaries;
  }
  const { kubernetes, etcd } = controlPlaneVersions(env);
  const cached = binariesIn(join(zakenakCacheDir(env), "control-plane", `k8s-${kubernetes}-etcd-${etcd}`));
  if (!(await missingBinary(cached))) return cached;
  const built = binariesIn((await runBuildScript(buildScript, env)) || cached.dir);
  const missing = await missingBinary(built);
  if (missing) throw new Error(`${missing} is still missing after running ${buildScript}`);
  return built;
}
