import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { readLock } from "../../src/applying/lock/read-lock.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { ENVIRONMENT_LABEL } from "../../src/server-side-apply/strip-server-fields.js";
import { toolPath } from "../../src/tools/tool-path.js";
import { connectShared, sharedKubeconfig, uniqueName, waitFor } from "../support/cluster-kit.js";
import { tempDir } from "../support/repo-fixtures.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/zakenak.js", import.meta.url));
const COUNT = 300;

let client: ConnectedKubeClient;
let cache: ReturnType<typeof tempDir>;
const children: ChildProcess[] = [];
const repos: TempRepo[] = [];

beforeAll(async () => {
  // The real CLI runs from dist/: build it from the sources under test.
  await promisify(execFile)("npm", ["run", "build", "--silent"], { cwd: ROOT, timeout: 240_000 });
  client = await connectShared();
  cache = tempDir("zakenak-killed-cache-");
}, 300_000);

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const repo of repos) repo.cleanup();
  cache?.cleanup();
  client?.close();
});

/** A repository whose environment `env` is one namespace and COUNT ConfigMaps in it. */
function bulkRepo(env: string): TempRepo {
  const docs = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${env}\n`];
  for (let i = 0; i < COUNT; i++) {
    docs.push(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${env}\ndata:\n  n: "${i}"\n  text: "${"x".repeat(1000)}"\n`,
    );
  }
  const repo = tempRepo({
    ".zakenak.yaml": `environments:\n  - name: ${env}\nreleases:\n  - name: bulk\n    manifests: manifests/bulk\n`,
    "manifests/bulk/all.yaml": docs.join("---\n"),
  });
  repo.commit("bulk");
  repos.push(repo);
  return repo;
}

interface Run {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
  stderr: () => string;
}

function zakenak(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      ZAKENAK_CACHE_DIR: cache.dir,
      ZAKENAK_HELM: toolPath("helm"),
      ZAKENAK_KUBECTL: toolPath("kubectl"),
      NO_COLOR: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function countApplied(env: string): Promise<number> {
  const found = await client.list("v1", "ConfigMap", {
    namespace: env,
    labelSelector: `${ENVIRONMENT_LABEL}=${env}`,
  });
  return found.length;
}

describe("an apply killed with SIGKILL midway", () => {
  it("leaves a lock that expires; the next apply reaches the same end state and records the first as interrupted", async () => {
    const env = uniqueName("killed");
    const repo = bulkRepo(env);
    const args = ["apply", "--env", env, "--repo", repo.dir, "--kubeconfig", sharedKubeconfig(), "--no-wait"];

    const first = zakenak([...args, "--lease-seconds", "10"]);
    // Mid-apply: the lock is held and the first objects exist.
    await waitFor(
      "the first apply to hold the lock and have written an object",
      async () => {
        if (first.child.exitCode !== null) throw new Error(`apply exited early: ${first.stderr()}`);
        return (await readLock(client, env)) !== undefined && (await countApplied(env)) > 0;
      },
      { timeoutMs: 60_000, intervalMs: 10 },
    );
    first.child.kill("SIGKILL");
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });

    const written = await countApplied(env);
    expect(written, "killed before it had written everything").toBeLessThan(COUNT);
    const left = await readLock(client, env);
    expect(left?.description).toContain("zakenak apply");
    expect(left?.leaseSeconds).toBe(10);
    expect(left?.expired).toBe(false);
    expect((await listRevisions(client, env)).map((r) => [r.number, r.result])).toEqual([[1, "in-progress"]]);

    const second = zakenak([...args, "--lock-timeout", "60"]);
    const exit = await second.exited;
    expect(exit, second.stderr()).toEqual({ code: 0, signal: null });
    expect(second.stderr()).toContain(`waiting for the lock on ${env}`);
    expect(second.stdout()).toContain("revision 2 applied");

    expect(await countApplied(env)).toBe(COUNT);
    const cm = await client.get({
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: env,
      name: `cm-${COUNT - 1}`,
    });
    expect(cm?.data).toMatchObject({ n: String(COUNT - 1) });
    const history = await listRevisions(client, env);
    expect(history.map((r) => [r.number, r.result])).toEqual([
      [2, "succeeded"],
      [1, "failed"],
    ]);
    expect(history[1]?.message).toContain("interrupted");
    expect(await readLock(client, env)).toBeUndefined();
  }, 180_000);
});
