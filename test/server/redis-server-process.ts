import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { connectRedis } from "../../src/server/connect-redis.js";

/** A redis-server of the test's own, so a test can take Redis away without touching the shared one. */
export interface RedisServerProcess {
  url: string;
  /** Kills the server at once (SIGKILL), as a crash or a network cut would look to clients. */
  kill(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

export async function startRedisServer(): Promise<RedisServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  const exited = once(child, "exit");
  // Waits for the server to answer, bounded: 100 tries, each a real connection attempt.
  for (let attempt = 0; ; attempt++) {
    try {
      const probe = await connectRedis(url, { connectTimeoutMs: 500 });
      await probe.quit();
      break;
    } catch (error) {
      if (attempt >= 100 || child.exitCode !== null) {
        child.kill("SIGKILL");
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
