import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEnvironment, currentInventory } from "../../../src/applying/apply-environment.js";
import { listRevisions } from "../../../src/applying/history/list-revisions.js";
import { PRUNE_ANNOTATION } from "../../../src/applying/prune-objects.js";
import type { ConnectedKubeClient } from "../../../src/kube/connect-kube.js";
import type { KubeObject, RenderedObject } from "../../../src/model/kube-object.js";
import { liveDiff } from "../../../src/planning/live-diff.js";
import type { ObjectChange, ReleasePlan } from "../../../src/planning/types.js";
import { APPLIED_HASH, ENVIRONMENT_LABEL } from "../../../src/server-side-apply/strip-server-fields.js";
import {
  applyOptions,
  configMapObject,
  connectShared,
  deploymentObject,
  liveData,
  namespaceObject,
  secretObject,
  sharedKubeconfig,
  uniqueName,
} from "../../support/cluster-kit.js";
import { tempDir } from "../../support/repo-fixtures.js";
import { runCli } from "../../support/run-cli.js";
import { type TempRepo, tempRepo } from "../../support/temp-repo.js";

let client: ConnectedKubeClient;

beforeAll(async () => {
  client = await connectShared();
});

afterAll(() => {
  client?.close();
});

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/** Values that must never be printed, with their base64 forms. */
function forbidden(...values: string[]): string[] {
  return values.flatMap((v) => [v, b64(v)]);
}

function rendered(objects: KubeObject[], release = "app"): RenderedObject[] {
  return objects.map((object) => ({ object, release, file: "test.yaml" }));
}

function changeOf(plans: ReleasePlan[], kind: string, name: string): ObjectChange {
  const found = plans.flatMap((p) => p.changes).find((c) => c.kind === kind && c.name === name);
  if (!found) {
    const have = plans.flatMap((p) => p.changes.map((c) => `${c.action} ${c.kind}/${c.name}`)).join(", ");
    throw new Error(`no change for ${kind}/${name}; changes: ${have}`);
  }
  return found;
}

/** The +/- lines of a unified diff, without the hunk headers. */
function changedLines(diff: string): string[] {
  return diff.split("\n").filter((l) => /^[+-]/.test(l));
}

const SERVER_NOISE = [
  "managedFields",
  "resourceVersion",
  "uid:",
  "creationTimestamp",
  "generation:",
  "status:",
  APPLIED_HASH,
  ENVIRONMENT_LABEL,
];

describe("liveDiff", () => {
  it("shows creates as the server would default them, updates as only the changed fields, and deletions", async () => {
    const env = uniqueName("live");
    const ns = env;
    const secretOne = `first-${uniqueName("pw")}`;
    const secretTwo = `second-${uniqueName("pw")}`;
    const secretNew = `new-${uniqueName("pw")}`;
    const secretOld = `old-${uniqueName("pw")}`;
    const applied = [
      namespaceObject(ns),
      configMapObject(ns, "settings", { a: "1", b: "2", c: "3" }),
      deploymentObject(ns, "web", "nginx:1.27.0"),
      secretObject(ns, "creds", { password: secretOne, user: "admin" }),
      secretObject(ns, "old-creds", { token: secretOld }),
      configMapObject(ns, "doomed", { x: "1" }),
      configMapObject(ns, "sticky", { x: "1" }, { [PRUNE_ANNOTATION]: "disabled" }),
    ];
    expect((await applyEnvironment(applyOptions(client, env, applied))).result).toBe("succeeded");

    const next = [
      namespaceObject(ns),
      configMapObject(ns, "settings", { a: "1", b: "20", c: "3" }),
      deploymentObject(ns, "web", "nginx:1.27.0"),
      deploymentObject(ns, "fresh", "nginx:1.27.0"),
      secretObject(ns, "creds", { password: secretTwo, user: "admin" }),
      secretObject(ns, "brand-new", { key: secretNew }),
    ];
    const owned = await currentInventory(client, env);
    const { releases: plans } = await liveDiff(client, env, rendered(next), owned);

    const app = plans.find((p) => p.release === "app");
    // Namespace and Deployment web are as applied; creds is compared through a dry run and its only
    // change is a value.
    expect(app?.unchanged).toBe(2);
    expect(plans.flatMap((p) => p.changes.map((c) => `${c.action} ${c.kind}/${c.name}`)).sort()).toEqual([
      "create Deployment/fresh",
      "create Secret/brand-new",
      "delete ConfigMap/doomed",
      "delete Secret/old-creds",
      "update ConfigMap/settings",
      "update Secret/creds",
    ]);
    expect(
      plans
        .find((p) => p.release === "(removed from Git)")
        ?.changes.map((c) => c.name)
        .sort(),
    ).toEqual(["doomed", "old-creds"]);

    // A create shows what the server fills in.
    const fresh = changeOf(plans, "Deployment", "fresh").diff;
    expect(fresh).toContain("+  strategy:");
    expect(fresh).toContain("+    type: RollingUpdate");
    expect(fresh).toContain("+  progressDeadlineSeconds: 600");
    expect(fresh).toContain("+          terminationMessagePolicy: File");

    // An update shows the changed field and nothing the server maintains.
    const settings = changeOf(plans, "ConfigMap", "settings").diff;
    expect(changedLines(settings)).toEqual(['-  b: "2"', '+  b: "20"']);
    for (const noise of SERVER_NOISE) expect(settings).not.toContain(noise);

    // Secrets: which keys changed, never a value.
    const creds = changeOf(plans, "Secret", "creds").diff;
    expect(changedLines(creds)).toEqual(['-  password: "*** (before)"', '+  password: "*** (after)"']);
    expect(changeOf(plans, "Secret", "brand-new").diff).toContain('+  key: "***"');
    expect(changeOf(plans, "Secret", "old-creds").diff).toContain('-  token: "***"');
    const all = JSON.stringify(plans);
    for (const value of forbidden(secretOne, secretTwo, secretNew, secretOld, "admin")) {
      expect(all).not.toContain(value);
    }

    // A plan writes nothing.
    expect(await liveData(client, ns, "settings")).toEqual({ a: "1", b: "2", c: "3" });
    expect(
      await client.get({ apiVersion: "apps/v1", kind: "Deployment", namespace: ns, name: "fresh" }),
    ).toBeUndefined();
    expect((await listRevisions(client, env)).length).toBe(1);
  });

  it("counts everything unchanged right after an apply", async () => {
    const env = uniqueName("live-same");
    const ns = env;
    const objects = [
      namespaceObject(ns),
      configMapObject(ns, "settings", { a: "1" }),
      deploymentObject(ns, "web", "nginx:1.27.0"),
      secretObject(ns, "creds", { password: "unchanged-secret" }),
    ];
    await applyEnvironment(applyOptions(client, env, objects));
    const { releases: plans } = await liveDiff(
      client,
      env,
      rendered(objects),
      await currentInventory(client, env),
    );
    expect(plans).toEqual([{ release: "app", changes: [], unchanged: 4 }]);
  });
});

describe("liveDiff deletions", () => {
  it("lists no deletion for an object another environment has applied since", async () => {
    const first = uniqueName("live-a");
    const second = uniqueName("live-b");
    const ns = uniqueName("live-shared");
    const moving = configMapObject(ns, "moving", { v: "1" });
    await client.apply(namespaceObject(ns));
    await applyEnvironment(applyOptions(client, first, [moving]));
    await applyEnvironment(applyOptions(client, second, [moving]));
    const { releases: plans } = await liveDiff(client, first, [], await currentInventory(client, first));
    expect(plans.flatMap((p) => p.changes)).toEqual([]);
  });
});

describe("zakenak plan --live", () => {
  let repo: TempRepo;
  let cache: ReturnType<typeof tempDir>;

  beforeAll(() => {
    cache = tempDir("zakenak-live-cache-");
  });
  afterAll(() => {
    repo?.cleanup();
    cache?.cleanup();
  });

  function manifests(ns: string, password: string, greeting: string, extra = ""): string {
    return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: greeting
  namespace: ${ns}
data:
  greeting: ${greeting}
---
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: ${ns}
stringData:
  password: ${password}
${extra}`;
  }

  it("prints the cluster diff with masked Secrets and exits 2, then 0 once applied", async () => {
    const env = uniqueName("plan-live");
    const ns = env;
    const oldPassword = `pw-${uniqueName("old")}`;
    const newPassword = `pw-${uniqueName("new")}`;
    const config = `environments:\n  - name: ${env}\nreleases:\n  - name: app\n    manifests: manifests/app\npolicy:\n  rules:\n    plain-secret: off\n`;
    repo = tempRepo({
      ".zakenak.yaml": config,
      "manifests/app/all.yaml": manifests(
        ns,
        oldPassword,
        "hello",
        `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaving\n  namespace: ${ns}\ndata:\n  x: "1"\n`,
      ),
    });
    repo.commit("first");
    const cli = (...argv: string[]) =>
      runCli([...argv, "--repo", repo.dir, "--kubeconfig", sharedKubeconfig()], {
        cwd: repo.dir,
        cacheDir: cache.dir,
      });

    const applied = await cli("apply", "--env", env, "--no-wait");
    expect(applied.code, applied.stderr).toBe(0);

    repo.write({ "manifests/app/all.yaml": manifests(ns, newPassword, "bonjour") });
    repo.commit("second");
    const plan = await cli("plan", "--live", "--env", env);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain(`${env}: 0 to create, 2 to change, 1 to delete, 1 unchanged`);
    expect(plan.stdout).toContain(`~ update ConfigMap ${ns}/greeting`);
    expect(plan.stdout).toContain("-  greeting: hello");
    expect(plan.stdout).toContain("+  greeting: bonjour");
    expect(plan.stdout).toContain(`~ update Secret ${ns}/db`);
    expect(plan.stdout).toContain('password: "*** (after)"');
    expect(plan.stdout).toContain(`- delete ConfigMap ${ns}/leaving`);
    for (const noise of SERVER_NOISE) expect(plan.stdout).not.toContain(noise);

    const json = await cli("plan", "--live", "--env", env, "--format", "json");
    expect(json.code).toBe(2);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({ summary: { create: 0, update: 2, delete: 1 } });

    for (const out of [plan.stdout, plan.stderr, json.stdout, json.stderr]) {
      for (const value of forbidden(oldPassword, newPassword)) expect(out).not.toContain(value);
    }

    expect((await cli("apply", "--env", env, "--no-wait")).code).toBe(0);
    const after = await cli("plan", "--live", "--env", env);
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toContain(`${env}: 0 to create, 0 to change, 0 to delete, 3 unchanged`);
  });
});

describe("liveDiff and field-manager conflicts", () => {
  it("reports a field another manager owns as a field-conflict error, and shows the change anyway", async () => {
    const env = uniqueName("live-conflict");
    await client.apply(namespaceObject(env), { fieldManager: "kubectl-edit" });
    await client.apply(configMapObject(env, "tuning", { x: "1" }), { fieldManager: "kubectl-edit" });
    const objects = [namespaceObject(env), configMapObject(env, "tuning", { x: "2" })];

    const strict = await liveDiff(client, env, rendered(objects), []);
    const conflict = strict.findings.find((f) => f.rule === "field-conflict");
    expect(conflict).toMatchObject({ severity: "error", object: `ConfigMap/${env}/tuning` });
    expect(conflict?.message).toContain('.data.x is owned by "kubectl-edit"');
    expect(changedLines(changeOf(strict.releases, "ConfigMap", "tuning").diff)).toEqual([
      '-  x: "1"',
      '+  x: "2"',
    ]);

    const forced = await liveDiff(client, env, rendered(objects), [], { force: true });
    expect(forced.findings).toEqual([]);
    expect(await liveData(client, env, "tuning")).toEqual({ x: "1" });
  });
});
