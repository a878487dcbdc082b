import { spawn } from "node:child_process";

/**
 * Runs one of the project's build scripts (they build into the cache and print its directory last on
 * stdout) and resolves with that directory.
 */
export function runBuildScript(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    // Progress goes straight to our stderr: the build takes minutes and silence would look like a hang.
    const child = spawn("bash", [script], { env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.on("error", (error) => reject(new Error(`cannot run ${script}: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (code === 0) resolve(stdout.trim().split("\n").at(-1) ?? "");
      else reject(new Error(`${script} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}
