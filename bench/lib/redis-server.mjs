// A throw-away redis-server for a benchmark: free port on 127.0.0.1, no persistence, stopped by stop().
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

/**
 * Starts `redis-server --port P --bind 127.0.0.1 --save "" --appendonly no` and waits until it answers
 * PING (up to 10 s). Returns `{ url, port, pid, client, stop() }`; `client` is an ioredis connection of the
 * bench's own (closed by stop()).
 */
export async function startRedisServer() {
  const { Redis } = await import("ioredis");
  const port = await freePort();
  const stderr = [];
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  child.stderr.on("data", (b) => stderr.push(b));
  const spawned = new Promise((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (e) => reject(new Error(`cannot start redis-server: ${e.message}`)));
  });
  await spawned;
  const exited = once(child, "exit");
  const url = `redis://127.0.0.1:${port}`;
  let client;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`redis-server exited with ${child.exitCode}: ${Buffer.concat(stderr).toString()}`);
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") {
        client = probe;
        break;
      }
    } catch {
      probe.disconnect();
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let stopping;
  return {
    url,
    port,
    pid: child.pid,
    client,
    stop() {
      stopping ??= (async () => {
        client.disconnect();
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
