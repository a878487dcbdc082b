import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { indexRepository } from "./helm-charts.js";

export interface ChartRepository {
  /** `http://127.0.0.1:PORT/`, with the trailing slash helm writes into index.yaml. */
  url: string;
  host: string;
  username?: string;
  password?: string;
  /** Paths requested, in order: what a test checks to know whether the repository was asked at all. */
  requests: string[];
  stop(): Promise<void>;
}

/**
 * A Helm HTTP repository as a static site: the archives and the index.yaml `helm repo index` makes for
 * them, served from a temporary directory, behind Basic authentication when `auth` is given.
 */
export async function startChartRepository(
  archives: string[],
  auth?: { username: string; password: string },
): Promise<ChartRepository> {
  const dir = mkdtempSync(join(tmpdir(), "zakenak-chart-repo-"));
  for (const archive of archives) copyFileSync(archive, join(dir, basename(archive)));
  const requests: string[] = [];
  const expected = auth
    ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`
    : undefined;
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://repo").pathname;
    requests.push(path);
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="charts"' }).end("unauthorized\n");
      return;
    }
    const name = path.slice(1);
    if (name.includes("/") || !/^[\w.-]+$/.test(name)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(dir, name));
      const type = name.endsWith(".yaml") ? "application/x-yaml" : "application/gzip";
      res.writeHead(200, { "Content-Type": type }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  await indexRepository(dir, url);
  let stopping: Promise<void> | undefined;
  return {
    url,
    host: `127.0.0.1:${port}`,
    ...(auth ? { username: auth.username, password: auth.password } : {}),
    requests,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => rmSync(dir, { recursive: true, force: true }));
      return stopping;
    },
  };
}
