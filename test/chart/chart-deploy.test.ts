import { cpSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import type { KubeObject } from "../../src/model/kube-object.js";
import { connectShared, sharedKubeconfig, uniqueName } from "../support/cluster-kit.js";
import { tempDir } from "../support/repo-fixtures.js";
import { type CliResult, runCli } from "../support/run-cli.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";
import { CHART } from "./render-chart.js";

// Every switch on: cluster RBAC, the in-chart Redis, a server configuration, Secrets, monitoring.
const EVERYTHING = {
  rbac: { mode: "cluster", allowEscalation: true },
  redis: { inChart: { enabled: true } },
  serverConfig: { repositories: [{ match: "acme/*", environments: { lab: { kubeContext: "in-cluster" } } }] },
  secrets: { envFrom: ["zakenak-github"], env: { GITEA_TOKEN: { secret: "gitea", key: "token" } } },
  monitoring: {
    serviceMonitor: { enabled: true },
    prometheusRule: { enabled: true },
    grafanaDashboard: { enabled: true },
  },
};
// The test control plane serves no monitoring CRDs: the lab environment leaves those two kinds out.
const LAB = { monitoring: { serviceMonitor: { enabled: false }, prometheusRule: { enabled: false } } };

const namespace = uniqueName("zakenak-chart");
const release = uniqueName("bot");
const lab = uniqueName("lab");
let repo: TempRepo;
let cache: ReturnType<typeof tempDir>;
let admin: ConnectedKubeClient;

beforeAll(async () => {
  cache = tempDir("zakenak-chart-cache-");
  admin = await connectShared();
  repo = tempRepo({
    ".zakenak.yaml": stringify({
      environments: [{ name: "full" }, { name: lab }],
      releases: [
        { name: "namespace", manifests: "namespace" },
        {
          name: release,
          namespace,
          chart: "helm-charts/zakenak",
          values: ["values-everything.yaml"],
          env: { [lab]: { values: ["values-lab.yaml"] } },
        },
      ],
    }),
    "namespace/namespace.yaml": stringify({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: namespace, labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    }),
    "values-everything.yaml": stringify(EVERYTHING),
    "values-lab.yaml": stringify(LAB),
  });
  cpSync(CHART, join(repo.dir, "helm-charts/zakenak"), { recursive: true });
  repo.commit("the chart with every switch on");
});

afterAll(async () => {
  const fullname = `${release}-zakenak`;
  const rbac = "rbac.authorization.k8s.io/v1";
  await admin?.delete({ apiVersion: rbac, kind: "ClusterRoleBinding", name: fullname });
  await admin?.delete({ apiVersion: rbac, kind: "ClusterRole", name: fullname });
  for (const kind of ["RoleBinding", "Role"]) {
    await admin?.delete({ apiVersion: rbac, kind, namespace: "zakenak-system", name: `${fullname}-state` });
  }
  await admin?.delete({ apiVersion: "v1", kind: "Namespace", name: namespace });
  admin?.close();
  repo?.cleanup();
  cache?.cleanup();
});

function zakenak(...argv: string[]): Promise<CliResult> {
  return runCli(argv, { cwd: repo.dir, cacheDir: cache.dir });
}

describe("the zakenak chart, deployed by Zakenak", () => {
  it("passes validate at every rule's default severity with every switch on", async () => {
    const result = await zakenak("validate", "--repo", repo.dir, "--env", "full", "--format", "json");
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const [env] = JSON.parse(result.stdout).environments as {
      findings: { rule: string; severity: string; object: string }[];
    }[];
    const findings = env?.findings ?? [];
    expect(findings.filter((f) => f.severity === "error")).toEqual([]);
    // The two custom resources, whose schema the validator cannot know, are the only unknown kinds.
    expect(
      findings
        .filter((f) => f.rule === "unknown-kind")
        .map((f) => f.object)
        .sort(),
    ).toEqual([
      `PrometheusRule/${namespace}/${release}-zakenak`,
      `ServiceMonitor/${namespace}/${release}-zakenak`,
    ]);
    const policy = ["image-latest-tag", "missing-resource-limits", "rbac-wildcard", "gpu-scheduling"];
    expect(findings.filter((f) => policy.includes(f.rule))).toEqual([]);
  });

  it('applies to the API server with pods Pod Security "restricted" admits, and re-applies writing nothing', async () => {
    const args = ["apply", "--env", lab, "--repo", repo.dir, "--no-wait", "--kubeconfig", sharedKubeconfig()];
    const first = await zakenak(...args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("revision 1 applied");
    // No pod runs on the test control plane, but admission judges a pod made from each template.
    for (const component of ["serve", "worker", "redis"]) {
      const name = `${release}-zakenak-${component}`;
      const dep = await admin.get({ apiVersion: "apps/v1", kind: "Deployment", namespace, name });
      if (!dep) throw new Error(`Deployment ${namespace}/${name} was not applied`);
      const template = (dep.spec as { template: { metadata: KubeObject["metadata"]; spec: unknown } })
        .template;
      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { ...template.metadata, name, namespace },
        spec: template.spec,
      };
      await expect(admin.apply(pod, { dryRun: true }), component).resolves.toMatchObject({ kind: "Pod" });
    }
    const again = await zakenak(...args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/applied: 0 written, \d+ unchanged/);
  });
});
