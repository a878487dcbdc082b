import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { parse, stringify } from "yaml";

interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: Record<string, unknown> }[];
  "current-context": string;
}

/** Copies the test kubeconfig into `dir` after `change` edits it; returns the new path. */
export async function writeKubeconfigVariant(
  basePath: string,
  dir: string,
  name: string,
  change: (config: Kubeconfig) => void,
): Promise<string> {
  const config = parse(await readFile(basePath, "utf8")) as Kubeconfig;
  change(config);
  const path = join(dir, name);
  await writeFile(path, stringify(config), { mode: 0o600 });
  return path;
}

/** A local port nothing listens on (it was free a moment ago). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
