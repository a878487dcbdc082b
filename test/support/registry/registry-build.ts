import { constants, existsSync } from "node:fs";
import { access } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { zakenakCacheDir } from "../../../src/control-plane/zakenak-cache-dir.js";
import { runBuildScript } from "../../../src/tools/run-build-script.js";

export const defaultRegistryVersion = "v3.1.2";

export function registryVersion(env: NodeJS.ProcessEnv = process.env): string {
  const version = env.ZAKENAK_REGISTRY_VERSION || defaultRegistryVersion;
  return version.startsWith("v") ? version : `v${version}`;
}

/** scripts/build-registry.sh, found upwards from this module (tests and compiled benchmarks alike). */
function buildScript(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const script = join(dir, "scripts", "build-registry.sh");
    if (existsSync(script)) return script;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`no scripts/build-registry.sh above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/**
 * The CNCF distribution registry binary: the version-keyed cache, built from its Go module by
 * scripts/build-registry.sh on first use (about a minute).
 */
export async function registryBinary(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const cached = join(zakenakCacheDir(env), "registry", registryVersion(env), "registry");
  if (await executable(cached)) return cached;
  const script = buildScript();
  const built = join((await runBuildScript(script, env)) || dirname(cached), "registry");
  if (!(await executable(built))) throw new Error(`${built} is still missing after running ${script}`);
  return built;
}
