import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/cli-io.js";
import { main } from "../../src/cli/main.js";
import { startRedisServer } from "./redis-server-process.js";

const GITLAB = { GITLAB_URL: "https://gitlab.example.com", GITLAB_TOKEN: "t", GITLAB_WEBHOOK_SECRET: "s" };

function captureIo(env: Record<string, string>): CliIo & { out(): string; err(): string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env,
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}

function logLines(out: string): { msg?: string; port?: number }[] {
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { msg?: string; port?: number });
}

/** A delivery captured from a real Gitea server: exact body bytes, its headers and secret. */
function captured(name: string): { body: Buffer; headers: Record<string, string>; secret: string } {
  const dir = new URL("../fixtures/gitea/", import.meta.url);
  const { secret, headers } = JSON.parse(readFileSync(new URL(`${name}.headers.json`, dir), "utf8"));
  return { body: readFileSync(new URL(`${name}.json`, dir)), headers, secret };
}

/** Waits for a condition, bounded by `timeoutMs`. */
async function until<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("zakenak serve", () => {
  it("stops with one line when Redis cannot be reached", async () => {
    const io = captureIo({
      REDIS_URL: "redis://:hunter2@127.0.0.1:1/0",
      PORT: "0",
      ZAKENAK_REPO_ALLOWLIST: "*",
      ...GITLAB,
    });
    expect(await main(["serve"], io)).toBe(1);
    expect(io.err()).toBe(
      "zakenak: cannot reach Redis at redis://:***@127.0.0.1:1/0: connect ECONNREFUSED 127.0.0.1:1\n",
    );
  });

  it("stops with one line when no Git host is configured", async () => {
    const io = captureIo({ PORT: "0" });
    expect(await main(["serve"], io)).toBe(1);
    expect(io.err()).toMatch(
      /^zakenak: no Git host configured: set APP_ID\/PRIVATE_KEY\/WEBHOOK_SECRET, .+\n$/,
    );
  });

  it("refuses to start when no repository is allowed, saying how to allow them", async () => {
    const io = captureIo({
      GITEA_URL: "http://127.0.0.1:1",
      GITEA_TOKEN: "t",
      GITEA_WEBHOOK_SECRET: "s",
    });
    expect(await main(["serve"], io)).toBe(1);
    expect(io.err()).toMatch(
      /^zakenak: no repository is allowed: set ZAKENAK_REPO_ALLOWLIST \(.*'\*' for every repository.*ZAKENAK_SERVER_CONFIG\)\n$/,
    );
    expect(io.out()).not.toContain("listening");
  });

  it("starts with the repositories of a server configuration and no allow list", async () => {
    const dir = await mkdtemp(join(tmpdir(), "zakenak-server-config-"));
    const file = join(dir, "server.yaml");
    await writeFile(
      file,
      "repositories:\n  - match: acme/*\n    environments:\n      dev: { kubeContext: dev }\n",
    );
    const redis = await startRedisServer();
    const io = captureIo({
      PORT: "0",
      REDIS_URL: redis.url,
      GITEA_URL: "http://127.0.0.1:1",
      GITEA_TOKEN: "t",
      GITEA_WEBHOOK_SECRET: "s",
    });
    try {
      const exit = main(["serve", "--server-config", file], io);
      // Signals are listened for once the workers have started.
      await until(() => logLines(io.out()).find((l) => l.msg === "workers started"));
      await new Promise((resolve) => setImmediate(resolve));
      process.emit("SIGTERM");
      expect(await exit).toBe(0);
    } finally {
      await redis.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names the file, line and key of a bad server configuration", async () => {
    const dir = await mkdtemp(join(tmpdir(), "zakenak-server-config-"));
    const file = join(dir, "server.yaml");
    await writeFile(file, "repositories:\n  - match: acme/*\n    environment: {}\n");
    const io = captureIo({ GITEA_URL: "http://127.0.0.1:1", GITEA_TOKEN: "t", GITEA_WEBHOOK_SECRET: "s" });
    try {
      expect(await main(["serve", "--server-config", file], io)).toBe(1);
      expect(io.err()).toContain(`${file}:3: repositories[0]: unknown key "environment"`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("stops with one line naming a bad variable", async () => {
    const io = captureIo({ PORT: "eighty" });
    expect(await main(["serve"], io)).toBe(1);
    expect(io.err()).toBe("zakenak: PORT: must be a whole number\n");
  });

  it("serves intake and workers until SIGTERM, then closes everything and exits 0", async () => {
    // A Redis of its own: serve uses the real queue name, which no other test may share.
    const redis = await startRedisServer();
    const push = captured("push");
    const io = captureIo({
      PORT: "0",
      REDIS_URL: redis.url,
      // Nothing listens there: the worker's first call to Gitea fails and the job is retried.
      GITEA_URL: "http://127.0.0.1:1",
      GITEA_TOKEN: "gitea-serve-token",
      GITEA_WEBHOOK_SECRET: push.secret,
      ZAKENAK_REPO_ALLOWLIST: "*",
    });
    try {
      const exit = main(["serve"], io);
      const port = await until(
        () => logLines(io.out()).find((l) => l.msg === "zakenak serve listening")?.port,
      );
      const url = `http://127.0.0.1:${port}`;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);

      const reply = await fetch(`${url}/api/gitea/webhooks`, {
        method: "POST",
        body: push.body,
        headers: push.headers,
      });
      expect(reply.status).toBe(202);
      // The in-process worker picked the job up: its attempt failed on the unreachable Gitea.
      await until(() => logLines(io.out()).find((l) => String(l.msg).startsWith("job failed")));
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('zakenak_webhooks_total{host="gitea",event="push",result="accepted"} 1');

      process.emit("SIGTERM");
      expect(await exit).toBe(0);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      const messages = logLines(io.out()).map((l) => l.msg);
      expect(messages).toContain("shutting down");
      expect(messages).toContain("workers closed");
      expect(io.out()).not.toContain("gitea-serve-token");
      expect(io.err()).toBe("");
    } finally {
      await redis.kill();
    }
  });
});
