import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { zakenakCacheDir } from "../../src/control-plane/zakenak-cache-dir.js";
import { runBuildScript } from "../../src/tools/run-build-script.js";

/** Must agree with scripts/build-promtool.sh, which keys its cache on the same version. */
export const DEFAULT_PROMTOOL_VERSION = "v0.316.0";

const BUILD_SCRIPT = fileURLToPath(new URL("../../scripts/build-promtool.sh", import.meta.url));

const executable = (path: string) =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

/**
 * The real promtool: ZAKENAK_PROMTOOL when set, else the version-keyed cache, built from the Go module
 * on first use (minutes; scripts/setup.sh builds it ahead).
 */
export async function promtoolPath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.ZAKENAK_PROMTOOL) {
    if (!(await executable(env.ZAKENAK_PROMTOOL))) {
      throw new Error(`ZAKENAK_PROMTOOL: ${env.ZAKENAK_PROMTOOL} is not an executable`);
    }
    return env.ZAKENAK_PROMTOOL;
  }
  const raw = env.ZAKENAK_PROMTOOL_VERSION || DEFAULT_PROMTOOL_VERSION;
  const version = raw.startsWith("v") ? raw : `v${raw}`;
  const cached = join(zakenakCacheDir(env), "promtool", version, "promtool");
  if (await executable(cached)) return cached;
  const built = join((await runBuildScript(BUILD_SCRIPT, env)) || join(cached, ".."), "promtool");
  if (!(await executable(built))) throw new Error(`${built} is still missing after running ${BUILD_SCRIPT}`);
  return built;
}

export interface PromtoolRun {
  code: number | null;
  output: string;
}

/**
 * Runs promtool with `args` in `cwd`, `stdin` on its standard input; resolves with its exit code and
 * stdout and stderr together.
 */
export function runPromtool(binary: string, args: string[], cwd: string, stdin = ""): Promise<PromtoolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.end(stdin);
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (output += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (output += s));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}
