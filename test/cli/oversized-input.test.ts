import { truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { connectShared, sharedKubeconfig, uniqueName } from "../support/cluster-kit.js";
import { largeConfigMapYaml } from "../support/large-config-map.js";
import { configMapYaml, tempDir } from "../support/repo-fixtures.js";
import { expectOneLineError, runCli } from "../support/run-cli.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";

const GiB = 1024 * 1024 * 1024;

let cache: ReturnType<typeof tempDir>;
let repo: TempRepo;

beforeAll(() => {
  cache = tempDir("zakenak-cli-cache-");
});
afterAll(() => cache.cleanup());
beforeEach(() => {
  repo = tempRepo({
    ".zakenak.yaml":
      "environments:\n  - name: dev\nreleases:\n  - name: big\n    namespace: apps\n    manifests: manifests\n",
  });
  return () => repo.cleanup();
});

const cli = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(argv, { cwd: repo.dir, cacheDir: cache.dir, env });

/** A 1 GiB manifest that is never written (sparse): reading it would take long, parsing it longer. */
function hugeFile(path: string): void {
  writeFileSync(join(repo.dir, path), "");
  truncateSync(join(repo.dir, path), GiB);
}

describe("zakenak validate with oversized input", () => {
  it("refuses a file over the limit quickly, with one clear message", async () => {
    repo.write({ "manifests/ok.yaml": configMapYaml("ok") });
    hugeFile("manifests/huge.yaml");
    const started = performance.now();
    const r = await cli(["validate"]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      "dev: INVALID — 0 objects in 1 releases, 0 errors, 0 warnings, 1 releases failed to render\n",
    );
    expectOneLineError(
      r.stderr,
      "release big: manifests/huge.yaml is 1 GiB (1073741824 bytes), over the limit of 8 MiB for a manifest file (ZAKENAK_MAX_FILE_BYTES)",
      "it was not parsed",
    );
  });

  it("takes the limits from the environment: lowered, a 1.8 MiB file is refused; raised, it is parsed and checked", async () => {
    repo.write({ "manifests/big.yaml": largeConfigMapYaml(20_000) });
    const lowered = await cli(["validate"], { ZAKENAK_MAX_FILE_BYTES: String(1024 * 1024) });
    expect(lowered.code).toBe(1);
    expectOneLineError(
      lowered.stderr,
      "manifests/big.yaml is 1.81 MiB (1900077 bytes)",
      "over the limit of 1 MiB",
      "ZAKENAK_MAX_FILE_BYTES",
    );

    const parsed = await cli(["validate", "--format", "json"], {
      ZAKENAK_MAX_OBJECT_BYTES: String(64 * 1024 * 1024),
    });
    expect(parsed.code).toBe(1);
    const [env] = JSON.parse(parsed.stdout).environments;
    expect(env.renderErrors).toEqual([]);
    // The ConfigMap's data is over the API server's 1 MiB; the raised object limit lets its size pass.
    expect(env.findings.map((f: { rule: string }) => f.rule)).toEqual(["data-too-large"]);
  });

  it("refuses a rendering over the render limit", async () => {
    repo.write({ "manifests/a.yaml": configMapYaml("a"), "manifests/b.yaml": configMapYaml("b") });
    const r = await cli(["validate"], { ZAKENAK_MAX_RENDER_BYTES: "100" });
    expect(r.code).toBe(1);
    expectOneLineError(
      r.stderr,
      "release big: manifests (2 files) is",
      "over the limit of 100 bytes",
      "ZAKENAK_MAX_RENDER_BYTES",
    );
  });

  it.each([["validate"], ["worker"], ["serve"]])(
    "%s refuses a limit that is not a number of bytes",
    async (command) => {
      const r = await cli([command], { ZAKENAK_MAX_RENDER_BYTES: "64MiB" });
      expect(r.code).toBe(1);
      expectOneLineError(r.stderr, "ZAKENAK_MAX_RENDER_BYTES: must be a whole number of bytes");
    },
  );
});

describe("zakenak apply with oversized input", () => {
  let client: ConnectedKubeClient;
  beforeAll(async () => {
    client = await connectShared();
  });
  afterAll(() => client?.close());

  it("applies nothing of an environment with a refused file, and applies it once the file is gone", async () => {
    const env = uniqueName("oversized");
    const ns = uniqueName("oversized");
    repo.write({
      ".zakenak.yaml": `environments:\n  - name: ${env}\nreleases:\n  - name: big\n    namespace: ${ns}\n    manifests: manifests/big\n  - name: small\n    namespace: ${ns}\n    manifests: manifests/small\n`,
      "manifests/small/ns.yaml": `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
      "manifests/small/cm.yaml": configMapYaml("small", { key: "value" }, ns),
      "manifests/big/ok.yaml": configMapYaml("beside-the-big-one", { key: "value" }, ns),
    });
    hugeFile("manifests/big/huge.yaml");
    const apply = () =>
      cli(["apply", "--env", env, "--repo", repo.dir, "--kubeconfig", sharedKubeconfig(), "--no-wait"]);
    const smallMap = () => client.get({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "small" });

    const refused = await apply();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`environment ${env} is not valid, nothing was applied`);
    expect(refused.stderr).toContain(
      "manifests/big/huge.yaml is 1 GiB (1073741824 bytes), over the limit of 8 MiB",
    );
    expect(await client.get({ apiVersion: "v1", kind: "Namespace", name: ns })).toBeUndefined();
    expect(await smallMap()).toBeUndefined();

    // The same environment without the oversized file reaches the cluster: the refusal above was the file's.
    repo.remove("manifests/big/huge.yaml");
    const applied = await apply();
    expect(applied.code, applied.stderr).toBe(0);
    expect(await smallMap()).toMatchObject({ data: { key: "value" } });
  });
});
