import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { noHostConfigured } from "../../src/hosts/no-host-configured.js";
import { waitFor } from "../support/cluster-kit.js";
import { REDIS_PORT } from "./worker-kit.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ENTRY = fileURLToPath(new URL("./cli-process.ts", import.meta.url));
const HOOKS = new URL("./ts-hooks.mjs", import.meta.url).href;

function capture(env: NodeJS.ProcessEnv) {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env,
    cwd: ROOT,
  };
  return { io, out: () => stdout, err: () => stderr };
}

describe("zakenak worker", () => {
  it("says in one line what is missing when no Git host is configured", async () => {
    const { io, err } = capture({ REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}` });
    expect(await main(["worker"], io)).toBe(1);
    // The registry's one message (its exact text is asserted in test/hosts/host-registry.test.ts).
    expect(err()).toBe(`zakenak: ${noHostConfigured().message}\n`);
    expect(err()).toContain("GITEA_URL/GITEA_TOKEN/GITEA_WEBHOOK_SECRET");
  });

  it("names a bad worker variable", async () => {
    const { io, err } = capture({
      REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
      GITEA_URL: "http://127.0.0.1:1",
      GITEA_TOKEN: "t",
      GITEA_WEBHOOK_SECRET: "s",
      ZAKENAK_APPLY_WAIT: "sometimes",
    });
    expect(await main(["worker"], io)).toBe(1);
    expect(err()).toBe("zakenak: ZAKENAK_APPLY_WAIT: must be true or false\n");
  });

  it("names ZAKENAK_METRICS_PORT when it is not a port, or when its port is taken", async () => {
    const env = {
      REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}/15`,
      GITEA_URL: "http://127.0.0.1:1",
      GITEA_TOKEN: "t",
      GITEA_WEBHOOK_SECRET: "s",
    };
    const bad = capture({ ...env, ZAKENAK_METRICS_PORT: "metrics" });
    expect(await main(["worker"], bad.io)).toBe(1);
    expect(bad.err()).toBe("zakenak: ZAKENAK_METRICS_PORT: must be a whole number ≥ 0\n");

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const busy = capture({ ...env, ZAKENAK_METRICS_PORT: String(port) });
      expect(await main(["worker"], busy.io)).toBe(1);
      expect(busy.err()).toBe(`zakenak: ZAKENAK_METRICS_PORT: cannot listen on ${port}: EADDRINUSE\n`);
    } finally {
      taken.close();
    }
  });

  it("runs the workers until SIGTERM, then exits 0", async () => {
    // Database 15: this process's queue is the real default one, kept apart from other tests' keys.
    const child = spawn(
      process.execPath,
      ["--experimental-transform-types", "--no-warnings", "--import", HOOKS, ENTRY, "worker"],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}/15`,
          GITEA_URL: "http://127.0.0.1:1",
          GITEA_TOKEN: "not-used-here",
          GITEA_WEBHOOK_SECRET: "not-used-here",
          // Any free port: tests run side by side.
          ZAKENAK_METRICS_PORT: "0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await waitFor("the workers to start", () => {
        if (child.exitCode !== null) throw new Error(`exited early: ${stderr}`);
        return stdout.includes('"msg":"workers started"');
      });
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stdout).toContain('"msg":"workers closed"');
      expect(stdout).not.toContain("not-used-here");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
