import { execFile } from "node:child_process";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readClusterAccess, writeKubeconfig } from "./cluster-access.js";
import { useTestCluster } from "./test-cluster.js";

const execFileAsync = promisify(execFile);
const repo = fileURLToPath(new URL("../..", import.meta.url));
const cluster = useTestCluster();
let dir: string;

// Records every module the process loads, then connects and lists namespaces.
const probe = `import { registerHooks } from "node:module";
const loaded = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
const [connectKubeUrl, kubeconfig, list] = process.argv.slice(2);
const { connectKube } = await import(connectKubeUrl);
const kube = await connectKube({ kubeconfig });
const namespaces = list === "list" ? (await kube.list("v1", "Namespace")).length : 0;
kube.close();
process.stdout.write(JSON.stringify({ namespaces, loaded }));
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "zakenak-kube-start-up-"));
  // Compiled from the current sources (dist may be stale): connect-kube and what it imports, no more.
  await execFileAsync(
    process.execPath,
    [
      join(repo, "node_modules", "typescript", "bin", "tsc"),
      ...["--noCheck", "--skipLibCheck", "--types", "node", "--target", "es2024"],
      ...["--module", "nodenext", "--moduleResolution", "nodenext"],
      ...["--rootDir", join(repo, "src"), "--outDir", join(dir, "out")],
      join(repo, "src", "kube", "connect-kube.ts"),
    ],
    { cwd: repo },
  );
  // So the compiled files find the packages, as the ones in dist do.
  await symlink(join(repo, "node_modules"), join(dir, "node_modules"), "dir");
  await writeFile(join(dir, "probe.mjs"), probe);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadedModules(kubeconfig: string, list: boolean) {
  const connectKubeUrl = pathToFileURL(join(dir, "out", "kube", "connect-kube.js")).href;
  const { stdout } = await execFileAsync(process.execPath, [
    join(dir, "probe.mjs"),
    connectKubeUrl,
    kubeconfig,
    list ? "list" : "",
  ]);
  return JSON.parse(stdout) as { namespaces: number; loaded: string[] };
}

const fromClientNode = (url: string) => url.includes("/node_modules/@kubernetes/client-node/");

describe("connectKube start-up", () => {
  it("does not load @kubernetes/client-node for a token kubeconfig", async () => {
    const { namespaces, loaded } = await loadedModules(cluster.kubeconfigPath, true);
    expect(namespaces).toBeGreaterThan(0);
    // The hook does see packages: the YAML parser is one.
    expect(loaded.some((url) => url.includes("/node_modules/yaml/"))).toBe(true);
    expect(loaded.filter(fromClientNode)).toEqual([]);
  });

  it("loads it for an auth-provider user", async () => {
    const access = await readClusterAccess(cluster.kubeconfigPath);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const idToken = `${part({ alg: "none" })}.${part({ exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
    const path = await writeKubeconfig(
      join(dir, "oidc-kubeconfig"),
      { server: access.server, "certificate-authority": access.caPath },
      { "auth-provider": { name: "oidc", config: { "id-token": idToken, "client-id": "zakenak" } } },
    );
    const { loaded } = await loadedModules(path, false);
    expect(loaded.some(fromClientNode)).toBe(true);
  });
});
