import { constants, existsSync } from "node:fs";
import { access } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { zakenakCacheDir } from "../../../src/control-plane/zakenak-cache-dir.js";
import { runBuildScript } from "../../../src/tools/run-build-script.js";

export interface GiteaBuild {
  /** The gitea executable. */
  binary: string;
  /** Holds the binary and the options/, templates/ and public/ trees that Gitea reads at run time. */
  dir: string;
}

export const defaultGiteaVersion = "v1.26.0";

/**
 * scripts/build-gitea.sh, found upwards from this module: tests run it from test/support/gitea/, the burst
 * benchmark from its compiled copy deeper down in bench/dist/.
 */
function buildScript(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const script = join(dir, "scripts", "build-gitea.sh");
    if (existsSync(script)) return script;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no scripts/build-gitea.sh above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export function giteaVersion(env: NodeJS.ProcessEnv = process.env): string {
  const version = env.ZAKENAK_GITEA_VERSION || defaultGiteaVersion;
  return version.startsWith("v") ? version : `v${version}`;
}

function buildIn(dir: string): GiteaBuild {
  return { binary: join(dir, "gitea"), dir };
}

async function missingPart(build: GiteaBuild): Promise<string | undefined> {
  try {
    await access(build.binary, constants.X_OK);
  } catch {
    return build.binary;
  }
  for (const tree of ["options", "templates", "public"]) {
    try {
      await access(join(build.dir, tree));
    } catch {
      return join(build.dir, tree);
    }
  }
  return undefined;
}

/**
 * The Gitea server for tests. ZAKENAK_GITEA_DIR points at a build made elsewhere and is taken as is;
 * otherwise the version-keyed cache is used, built from the Go module on first use (minutes).
 */
export async function giteaBuild(env: NodeJS.ProcessEnv = process.env): Promise<GiteaBuild> {
  const explicitDir = env.ZAKENAK_GITEA_DIR;
  if (explicitDir) {
    const build = buildIn(explicitDir);
    const missing = await missingPart(build);
    if (missing) throw new Error(`${missing} is missing (ZAKENAK_GITEA_DIR)`);
    return build;
  }
  const cached = buildIn(join(zakenakCacheDir(env), "gitea", giteaVersion(env)));
  if (!(await missingPart(cached))) return cached;
  const script = buildScript();
  const built = buildIn((await runBuildScript(script, env)) || cached.dir);
  const missing = await missingPart(built);
  if (missing) throw new Error(`${missing} is still missing after running ${script}`);
  return built;
}
