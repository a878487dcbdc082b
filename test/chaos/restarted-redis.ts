// The single-server topology of the Redis fault scenarios: one redis-server with AOF persistence, killed
// and started again on the same port and data directory.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { waitFor } from "../support/cluster-kit.js";
import type { RedisFaultTopology } from "./redis-fault-burst.js";

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

/**
 * One redis-server with `--appendonly yes --appendfsync <fsync>`; `fault()` sends it `signal` (SIGKILL:
 * no shutdown, nothing flushed that was not written already) and `recover()` starts it again on the same
 * port and directory and waits until it has loaded its AOF and answers PING.
 */
export async function restartedRedis(
  opts: { fsync?: "always" | "everysec"; signal?: NodeJS.Signals } = {},
): Promise<RedisFaultTopology> {
  const fsync = opts.fsync ?? "always";
  const signal = opts.signal ?? "SIGKILL";
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "zakenak-chaos-redis-"));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const clients: Redis[] = [];

  const start = async () => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""];
    args.push("--appendonly", "yes", "--appendfsync", fsync);
    const proc = spawn("redis-server", args, { stdio: "ignore" });
    child = proc;
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => {});
    try {
      await waitFor(
        `redis-server on port ${port} to load its AOF and answer`,
        async () => {
          if (proc.exitCode !== null) throw new Error(`redis-server exited ${proc.exitCode}`);
          if (probe.status !== "ready") await probe.connect().catch(() => probe.disconnect());
          // While the AOF loads, commands get a LOADING error.
          return (await probe.ping()) === "PONG";
        },
        { timeoutMs: 60_000, intervalMs: 50 },
      );
    } finally {
      probe.disconnect();
    }
  };
  const stopServer = async (sig: NodeJS.Signals) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, "exit");
    proc.kill(sig);
    await exited;
  };

  await start();
  return {
    name: `one redis-server, AOF appendfsync ${fsync}, ${signal} and restart`,
    redisUrl: url,
    env: { REDIS_URL: url },
    client() {
      const client = new Redis(url, { maxRetriesPerRequest: null });
      client.on("error", () => {});
      clients.push(client);
      return client;
    },
    fault: () => stopServer(signal),
    recover: start,
    async stop() {
      for (const client of clients) client.disconnect();
      await stopServer("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
