import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIo } from "../../src/cli/cli-io.js";
import { main } from "../../src/cli/main.js";
import { startRedisServer } from "../server/redis-server-process.js";
import { sharedKubeconfig, waitFor } from "./cluster-kit.js";

/** `zakenak serve` run in-process, with a redis-server of its own (serve uses the real queue name). */
export interface RunningServe {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** serve's own Redis, for a `zakenak worker` to share. */
  redisUrl: string;
  /** Every JSON log line written so far. */
  logs(): Record<string, unknown>[];
  /** What serve wrote to stderr (a failed start). */
  stderr(): string;
  /** SIGTERM, as the container runtime would send it; resolves with the exit code, then cleans up. */
  stop(): Promise<number>;
}

/**
 * Starts `zakenak serve` with `env` on top of: an ephemeral port, its own Redis, the test control
 * plane's kubeconfig, no health waiting (no controllers run there) and a short lock wait.
 */
export async function startServe(env: Record<string, string>): Promise<RunningServe> {
  const redis = await startRedisServer();
  const cacheDir = mkdtempSync(join(tmpdir(), "zakenak-e2e-cache-"));
  let out = "";
  let err = "";
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {
      PORT: "0",
      REDIS_URL: redis.url,
      KUBECONFIG: sharedKubeconfig(),
      ZAKENAK_APPLY_WAIT: "false",
      ZAKENAK_LOCK_WAIT_SECONDS: "120",
      ZAKENAK_CACHE_DIR: cacheDir,
      LOG_LEVEL: "debug",
      ZAKENAK_REPO_ALLOWLIST: "**",
      ...env,
    },
    cwd: process.cwd(),
  };
  const logs = () =>
    out
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  let exitCode: number | undefined;
  const exit = main(["serve"], io).then((code) => {
    exitCode = code;
    return code;
  });
  const cleanup = async () => {
    await redis.kill();
    rmSync(cacheDir, { recursive: true, force: true });
  };
  let port: number;
  try {
    port = await waitFor(
      "zakenak serve to listen",
      () => {
        if (exitCode !== undefined) throw new Error(`serve exited ${exitCode}: ${err}`);
        return logs().find((l) => l.msg === "zakenak serve listening")?.port as number | undefined;
      },
      { timeoutMs: 30_000 },
    );
  } catch (error) {
    if (exitCode === undefined) process.emit("SIGTERM");
    await exit;
    await cleanup();
    throw error;
  }
  if (process.env.ZAKENAK_TEST_LOGS) {
    let printed = 0;
    const timer = setInterval(() => {
      const lines = out.split("\n");
      for (const line of lines.slice(printed, -1)) console.log(line);
      printed = Math.max(printed, lines.length - 1);
    }, 500);
    void exit.finally(() => clearInterval(timer));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    redisUrl: redis.url,
    logs,
    stderr: () => err,
    async stop() {
      if (exitCode === undefined) process.emit("SIGTERM");
      const code = await exit;
      await cleanup();
      return code;
    },
  };
}

/** A short summary of the jobs serve finished or failed, for assertion messages. */
export function jobLog(serve: RunningServe): string {
  return serve
    .logs()
    .filter((l) => l.level !== 20 && l.level !== "debug")
    .map((l) => JSON.stringify(l))
    .slice(-40)
    .join("\n");
}
