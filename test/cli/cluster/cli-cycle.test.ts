import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane } from "../../../src/control-plane/start-control-plane.js";
import { type ConnectedKubeClient, connectKube } from "../../../src/kube/connect-kube.js";
import type { KubeObject } from "../../../src/model/kube-object.js";
import { type FakeController, startFakeController } from "../../support/fake-controller.js";
import { tempDir } from "../../support/repo-fixtures.js";
import { type CliResult, runCli } from "../../support/run-cli.js";
import { type TempRepo, tempRepo } from "../../support/temp-repo.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

// A control plane of this file's own, as `npm run control-plane -- up` gives a person: this repository's
// own environments (dev, prod) and namespaces (ai, zakenak-system) are applied to it as they are.
let cp: ControlPlane;
let client: ConnectedKubeClient;
let repo: TempRepo;
let cache: ReturnType<typeof tempDir>;
let controller: FakeController;

beforeAll(async () => {
  cp = await startControlPlane();
  client = await connectKube({ kubeconfig: cp.kubeconfigPath });
  cache = tempDir("zakenak-cycle-cache-");
  repo = tempRepo();
  for (const path of [".zakenak.yaml", "helm-charts", "manifests"]) {
    cpSync(join(ROOT, path), join(repo.dir, path), { recursive: true });
  }
  repo.commit("this repository's deployment");
  // Acts as the Deployment and volume controllers for what the charts deploy.
  controller = startFakeController(client, { namespaces: ["ai", "zakenak-system"] });
}, 180_000);

afterAll(async () => {
  await controller?.stop();
  client?.close();
  repo?.cleanup();
  cache?.cleanup();
  await cp?.stop();
}, 60_000);

function zakenak(...argv: string[]): Promise<CliResult> {
  return runCli([...argv, "--kubeconfig", cp.kubeconfigPath], { cwd: repo.dir, cacheDir: cache.dir });
}

async function ollama(): Promise<KubeObject | undefined> {
  return client.get({ apiVersion: "apps/v1", kind: "Deployment", namespace: "ai", name: "ollama" });
}

function serverImage(dep: KubeObject | undefined): string | undefined {
  const spec = dep?.spec as { template: { spec: { containers: { name: string; image: string }[] } } };
  return spec?.template.spec.containers.find((c) => c.name === "ollama")?.image;
}

const devValues = () => readFileSync(join(repo.dir, "helm-charts/ollama/values-dev.yaml"), "utf8");

describe("zakenak against a cluster, the way a person uses it", () => {
  it("applies, applies a change, rolls back, and shows the history", async () => {
    const first = await zakenak("apply", "--env", "dev", "--repo", repo.dir, "--no-wait");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("revision 1 applied");
    expect(first.stderr).toContain("revision 1: applying 23 objects to dev");
    const firstImage = serverImage(await ollama());
    expect(firstImage).toBe("ollama/ollama:0.20.5");
    expect(await client.get({ apiVersion: "v1", kind: "Namespace", name: "ai" })).toBeDefined();

    repo.write({ "helm-charts/ollama/values-dev.yaml": `${devValues()}\nimage:\n  tag: "0.20.6"\n` });
    repo.commit("dev: ollama 0.20.6");
    const second = await zakenak("apply", "--env", "dev", "--repo", repo.dir, "--no-wait");
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("revision 2 applied");
    expect(serverImage(await ollama())).toBe("ollama/ollama:0.20.6");

    // With health checked: the fake controller rolls the Deployment out.
    const back = await zakenak("rollback", "--env", "dev", "--repo", repo.dir);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain("rolled dev back to revision 1; recorded as revision 3");
    expect(serverImage(await ollama())).toBe(firstImage);

    const history = await zakenak("history", "--env", "dev");
    expect(history.code, history.stderr).toBe(0);
    const rows = history.stdout.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^REV\s+RESULT\s+TRIGGER\s+SHA\s+REF\s+ACTOR\s+STARTED\s+OBJECTS\s+MESSAGE$/);
    expect(rows.slice(1).map((r) => r.split(/\s{2,}/).slice(0, 3))).toEqual([
      ["3", "succeeded", "rollback of 1"],
      ["2", "succeeded", "apply"],
      ["1", "succeeded", "apply"],
    ]);
    // A summary only: nothing of the manifests.
    for (const content of ["apiVersion", "ollama serve", "deepseek", "OLLAMA_HOST", "image"]) {
      expect(history.stdout).not.toContain(content);
    }

    const json = await zakenak("history", "--env", "dev", "--format", "json");
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      environment: string;
      lock: unknown;
      revisions: {
        number: number;
        result: string;
        trigger: string;
        rollbackOf?: number;
        objects?: unknown;
      }[];
    };
    expect(parsed.environment).toBe("dev");
    expect(parsed.lock).toBeNull();
    expect(parsed.revisions.map((r) => [r.number, r.result, r.trigger, r.rollbackOf ?? null])).toEqual([
      [3, "succeeded", "rollback", 1],
      [2, "succeeded", "apply", null],
      [1, "succeeded", "apply", null],
    ]);
    expect(parsed.revisions.every((r) => r.objects === undefined)).toBe(true);
    expect(json.stdout).not.toContain("ollama serve");

    // A dry run shows the change and writes nothing.
    repo.write({ "helm-charts/ollama/values-dev.yaml": `${devValues()}\nenv:\n  OLLAMA_KEEP_ALIVE: "5m"\n` });
    repo.commit("dev: shorter keep-alive");
    const before = await ollama();
    const dry = await zakenak("apply", "--env", "dev", "--repo", repo.dir, "--dry-run");
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("~ update Deployment ai/ollama");
    expect(dry.stdout).toMatch(/^\s+\+\s+value: 5m$/m);
    expect(dry.stdout).toContain("dry run: nothing was applied");
    expect((await ollama())?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion);
    const afterDry = JSON.parse((await zakenak("history", "--env", "dev", "--format", "json")).stdout);
    expect(afterDry.revisions).toHaveLength(3);
    expect(controller.errors).toEqual([]);
  });

  it("writes nothing when the same commit is applied again", async () => {
    const once = await zakenak("apply", "--env", "dev", "--repo", repo.dir, "--no-wait");
    expect(once.code, once.stderr).toBe(0);
    const again = await zakenak("apply", "--env", "dev", "--repo", repo.dir, "--no-wait");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("applied: 0 written, 23 unchanged");
    // The system namespace keeps the Pod Security labels the repository gives it.
    const system = await client.get({ apiVersion: "v1", kind: "Namespace", name: "zakenak-system" });
    expect(system?.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });
});
