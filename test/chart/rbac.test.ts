import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane } from "../../src/control-plane/start-control-plane.js";
import { type ConnectedKubeClient, connectKube } from "../../src/kube/connect-kube.js";
import { tempDir } from "../support/repo-fixtures.js";
import { type CliResult, runCli } from "../support/run-cli.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";
import { apiRequest, serviceAccountKubeconfig } from "./service-account-kubeconfig.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const REPO_VALUES = "helm-charts/zakenak/values-this-repository.yaml";
const ACCOUNT = { namespace: "zakenak-system", name: "zakenak" };
const DENIED = "ServiceAccount zakenak-system/zakenak lacks the RBAC permission to";

// A control plane of this file's own: this repository's content is applied to it as it is (namespaces ai
// and zakenak-system, a ClusterRole in cluster mode), and stopping it removes everything the test made.
let cp: ControlPlane;
let admin: ConnectedKubeClient;
let repo: TempRepo;
let intruder: TempRepo;
let work: ReturnType<typeof tempDir>;
let bot: { path: string; token: string };

beforeAll(async () => {
  cp = await startControlPlane();
  admin = await connectKube({ kubeconfig: cp.kubeconfigPath });
  work = tempDir("zakenak-rbac-");
  repo = tempRepo();
  for (const path of [".zakenak.yaml", "helm-charts", "manifests"]) {
    cpSync(join(ROOT, path), join(repo.dir, path), { recursive: true });
  }
  repo.commit("this repository's deployment");
  intruder = tempRepo();
}, 180_000);

afterAll(async () => {
  admin?.close();
  repo?.cleanup();
  intruder?.cleanup();
  work?.cleanup();
  await cp?.stop();
}, 60_000);

function zakenak(kubeconfig: string, dir: string, ...argv: string[]): Promise<CliResult> {
  return runCli([...argv, "--kubeconfig", kubeconfig], { cwd: dir, cacheDir: work.dir });
}

/** `zakenak apply --env dev` of this repository's content, as the admin or as the bot's ServiceAccount. */
function applyRepo(kubeconfig: string): Promise<CliResult> {
  return zakenak(kubeconfig, repo.dir, "apply", "--env", "dev", "--repo", repo.dir, "--no-wait");
}

function editRepo(path: string, edit: (text: string) => string, message: string): void {
  repo.write({ [path]: edit(readFileSync(join(repo.dir, path), "utf8")) });
  repo.commit(message);
}

async function workerReplicas(): Promise<unknown> {
  const dep = await admin.get({
    apiVersion: "apps/v1",
    kind: "Deployment",
    namespace: "zakenak-system",
    name: "zakenak-worker",
  });
  return (dep?.spec as { replicas?: number } | undefined)?.replicas;
}

async function rbacObjects(): Promise<string[]> {
  const found: string[] = [];
  for (const kind of ["ClusterRole", "ClusterRoleBinding"]) {
    const list = await admin.list("rbac.authorization.k8s.io/v1", kind, {
      labelSelector: "app.kubernetes.io/part-of=zakenak",
    });
    found.push(...list.map((o) => `${kind}/${o.metadata.name}`));
  }
  for (const namespace of ["ai", "zakenak-system"]) {
    const list = await admin.list("rbac.authorization.k8s.io/v1", "Role", {
      namespace,
      labelSelector: "app.kubernetes.io/part-of=zakenak",
    });
    found.push(...list.map((o) => `Role/${namespace}/${o.metadata.name}`));
  }
  return found.sort();
}

describe("the chart's RBAC, proven with the ServiceAccount's own token", () => {
  it("namespaced mode: the bot applies, plans and rolls back this repository within ai and zakenak-system", async () => {
    const install = await applyRepo(cp.kubeconfigPath);
    expect(install.code, install.stderr).toBe(0);
    expect(await rbacObjects()).toEqual([
      "Role/ai/zakenak-deploy",
      "Role/zakenak-system/zakenak-deploy",
      "Role/zakenak-system/zakenak-state",
    ]);
    bot = await serviceAccountKubeconfig(cp, cp.token, ACCOUNT, work.dir);

    // A change to its own Deployment and to both Namespace objects: writes in every granted namespace.
    editRepo(REPO_VALUES, (t) => `${t}worker:\n  replicas: 3\n`, "three workers");
    editRepo(
      "manifests/namespaces/namespaces.yaml",
      (t) =>
        t.replaceAll(
          "    pod-security.kubernetes.io/enforce:",
          "    team: platform\n    pod-security.kubernetes.io/enforce:",
        ),
      "label the namespaces",
    );
    const plan = await zakenak(bot.path, repo.dir, "plan", "--live", "--env", "dev");
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain("~ update Deployment zakenak-system/zakenak-worker");

    const applied = await applyRepo(bot.path);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("revision 2 applied");
    expect(await workerReplicas()).toBe(3);
    const ai = await admin.get({ apiVersion: "v1", kind: "Namespace", name: "ai" });
    expect(ai?.metadata.labels?.team).toBe("platform");

    const back = await zakenak(bot.path, repo.dir, "rollback", "--env", "dev", "--no-wait");
    expect(back.code, back.stderr).toBe(0);
    expect(await workerReplicas()).toBe(2);
    const history = await zakenak(bot.path, repo.dir, "history", "--env", "dev", "--format", "json");
    expect(JSON.parse(history.stdout).revisions.map((r: { result: string }) => r.result)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
  });

  it("namespaced mode: the API server refuses a Secret in kube-system and a namespace outside the grant", async () => {
    await admin.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "outside" } });
    await admin.create({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "cloud-credentials", namespace: "kube-system" },
      stringData: { key: "not-for-the-bot" },
    });
    const read = await apiRequest(
      cp,
      bot.token,
      "GET",
      "/api/v1/namespaces/kube-system/secrets/cloud-credentials",
    );
    expect(read.status).toBe(403);

    intruder.write({
      ".zakenak.yaml":
        "environments:\n  - name: reach\nreleases:\n  - name: reach\n    manifests: manifests\n",
      "manifests/kube-system.yaml":
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: cloud-credentials\n  namespace: kube-system\ntype: Opaque\n",
    });
    intruder.commit("read a Secret in kube-system");
    const peek = await zakenak(bot.path, intruder.dir, "plan", "--live", "--env", "reach");
    expect(peek.code).toBe(1);
    expect(peek.stdout + peek.stderr).toContain(`${DENIED} list secrets in namespace kube-system`);
    expect(peek.stdout + peek.stderr).not.toContain("not-for-the-bot");

    intruder.remove("manifests/kube-system.yaml");
    intruder.write({
      "manifests/outside.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: outside\ndata:\n  color: red\n",
    });
    intruder.commit("deploy outside the grant");
    const outside = await zakenak(
      bot.path,
      intruder.dir,
      "apply",
      "--env",
      "reach",
      "--repo",
      intruder.dir,
      "--no-wait",
    );
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain(`${DENIED} list configmaps in namespace outside`);
    expect(
      await admin.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "outside", name: "settings" }),
    ).toBeUndefined();
  });

  it("cluster mode: the bot applies this repository and creates a namespace and a CRD of its own", async () => {
    editRepo(REPO_VALUES, (t) => t.replace("mode: namespaced", "mode: cluster"), "cluster-wide RBAC");
    const install = await applyRepo(cp.kubeconfigPath);
    expect(install.code, install.stderr).toBe(0);
    expect(await rbacObjects()).toEqual([
      "ClusterRole/zakenak",
      "ClusterRoleBinding/zakenak",
      "Role/zakenak-system/zakenak-state",
    ]);

    editRepo(REPO_VALUES, (t) => t.replace("replicas: 3", "replicas: 4"), "four workers");
    const applied = await applyRepo(bot.path);
    expect(applied.code, applied.stderr).toBe(0);
    expect(await workerReplicas()).toBe(4);

    intruder.remove("manifests");
    intruder.write({
      "manifests/new.yaml": [
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: brand-new\n---",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: brand-new\ndata:\n  color: blue\n---",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com",
        "spec:\n  group: example.com\n  scope: Namespaced\n  names: { plural: widgets, singular: widget, kind: Widget }",
        "  versions:\n    - name: v1\n      served: true\n      storage: true",
        "      schema: { openAPIV3Schema: { type: object } }\n",
      ].join("\n"),
    });
    intruder.commit("a namespace and a CRD");
    const created = await zakenak(
      bot.path,
      intruder.dir,
      "apply",
      "--env",
      "reach",
      "--repo",
      intruder.dir,
      "--no-wait",
    );
    expect(created.code, created.stderr).toBe(0);
    expect(
      await admin.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "brand-new", name: "settings" }),
    ).toBeDefined();
    expect(
      await admin.get({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        name: "widgets.example.com",
      }),
    ).toBeDefined();
  });
});
