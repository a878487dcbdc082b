import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type RedisServerProcess, startRedisServer } from "./redis-server-process.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "zakenak.js");
const DEADLINE_SECONDS = 3;

let redis: RedisServerProcess | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await redis?.kill();
  child = undefined;
  redis = undefined;
});

/** Runs `zakenak <command>` as a real process and resolves once it logged `ready`. */
async function startProcess(command: string, ready: string, env: Record<string, string>) {
  const proc = spawn(process.execPath, [BIN, command], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  let out = "";
  proc.stdout?.on("data", (d) => {
    out += d;
  });
  proc.stderr?.on("data", (d) => {
    out += d;
  });
  const exited = once(proc, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  const deadline = Date.now() + 60_000;
  while (!out.includes(ready)) {
    if (proc.exitCode !== null) throw new Error(`zakenak ${command} exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`zakenak ${command} never logged "${ready}":\n${out}`);
    await new Promise((resolve) => proc.stdout?.once("data", resolve));
  }
  return { proc, exited, output: () => out };
}

const common = (redisUrl: string) => ({
  REDIS_URL: redisUrl,
  GITEA_URL: "http://127.0.0.1:1",
  GITEA_TOKEN: "gitea-shutdown-token",
  GITEA_WEBHOOK_SECRET: "shutdown-secret",
  ZAKENAK_REPO_ALLOWLIST: "*",
  ZAKENAK_SHUTDOWN_SECONDS: String(DEADLINE_SECONDS),
});

describe.each([
  ["serve", "workers started", { PORT: "0" }],
  ["worker", "workers started", { ZAKENAK_METRICS_PORT: "0" }],
])("zakenak %s after SIGTERM with its Redis gone", (command, ready, extra) => {
  it("exits within the shutdown deadline, saying what it abandoned", async () => {
    redis = await startRedisServer();
    const run = await startProcess(command, ready, { ...common(redis.url), ...extra });
    await redis.kill();
    const sent = Date.now();
    run.proc.kill("SIGTERM");
    const [code] = await Promise.race([
      run.exited,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`still running 30 s after SIGTERM:\n${run.output()}`)), 30_000),
      ),
    ]);
    const seconds = (Date.now() - sent) / 1000;
    expect(seconds, run.output()).toBeLessThan(DEADLINE_SECONDS + 2);
    // Without Redis the workers usually cannot close cleanly (without a deadline they waited for ever):
    // the deadline ends the wait and says so. A close that did finish in time exits 0.
    if (code !== 0) {
      expect(code, run.output()).toBe(1);
      expect(run.output()).toContain(`shutdown deadline of ${DEADLINE_SECONDS}s passed`);
    }
    expect(run.output()).not.toContain("gitea-shutdown-token");
  });
});
