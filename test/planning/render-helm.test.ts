import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReleaseConfig } from "../../src/config/schema.js";
import { kinds, objectOf, renderFresh, specOf, tempDir } from "../support/repo-fixtures.js";
import { chartFiles, type TempRepo, tempRepo } from "../support/temp-repo.js";

let repo: TempRepo;

beforeAll(() => {
  repo = tempRepo({
    ...chartFiles("charts/app"),
    "charts/app/templates/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n",
    "charts/app/templates/clusterrole.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ .Release.Name }}-reader
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get]
`,
    "values/first.yaml": "replicas: 2\ngreeting: first\n",
    "values/second.yaml": "greeting: second\n",
    "env/prod/app.yaml": "replicas: 5\n",
    ...chartFiles("charts/broken", "broken"),
    "charts/broken/templates/broken.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }\n",
  });
});
afterAll(() => repo.cleanup());

const app = (extra: Partial<ReleaseConfig> = {}): ReleaseConfig => ({
  name: "app",
  namespace: "apps",
  chart: "charts/app",
  ...extra,
});

function configData(objects: Awaited<ReturnType<typeof renderFresh>>["objects"]): unknown {
  return objectOf(objects, "ConfigMap", "app-config").object.data;
}

describe("helm releases (real helm template)", () => {
  it("renders every template of the chart with the chart's default values", async () => {
    const r = await renderFresh(repo.dir, app());
    expect(r.error).toBeUndefined();
    expect(r.findings).toEqual([]);
    expect(r.cached).toBe(false);
    expect(kinds(r.objects)).toEqual([
      "ClusterRole/app-reader",
      "ConfigMap/app-config",
      "Deployment/app",
      "Namespace/apps",
      "Service/app",
    ]);
    expect(specOf(objectOf(r.objects, "Deployment", "app").object).replicas).toBe(1);
    expect(r.objects.every((o) => o.release === "app")).toBe(true);
  });

  it("applies values files in order, the second overriding the first", async () => {
    const r = await renderFresh(repo.dir, app({ values: ["values/first.yaml", "values/second.yaml"] }));
    expect(r.error).toBeUndefined();
    expect(configData(r.objects)).toEqual({ greeting: "second" });
    expect(specOf(objectOf(r.objects, "Deployment", "app").object).replicas).toBe(2);
    const reversed = await renderFresh(
      repo.dir,
      app({ values: ["values/second.yaml", "values/first.yaml"] }),
    );
    expect(configData(reversed.objects)).toEqual({ greeting: "first" });
  });

  it("adds an environment's override values after the release's own, only in that environment", async () => {
    const release = app({ values: ["values/first.yaml"], env: { prod: { values: ["env/prod/app.yaml"] } } });
    const dev = await renderFresh(repo.dir, release, "dev");
    const prod = await renderFresh(repo.dir, release, "prod");
    expect(specOf(objectOf(dev.objects, "Deployment", "app").object).replicas).toBe(2);
    expect(specOf(objectOf(prod.objects, "Deployment", "app").object).replicas).toBe(5);
    expect(configData(prod.objects)).toEqual({ greeting: "first" });
  });

  it("gives namespaced objects the release namespace, but not a Namespace or a ClusterRole", async () => {
    const r = await renderFresh(repo.dir, app());
    const ns = (kind: string, name: string) => objectOf(r.objects, kind, name).object.metadata.namespace;
    expect(ns("Deployment", "app")).toBe("apps");
    expect(ns("Service", "app")).toBe("apps");
    expect(ns("ConfigMap", "app-config")).toBe("apps");
    expect(ns("Namespace", "apps")).toBeUndefined();
    expect(ns("ClusterRole", "app-reader")).toBeUndefined();
    const none = await renderFresh(repo.dir, app({ namespace: undefined }));
    expect(objectOf(none.objects, "Deployment", "app").object.metadata.namespace).toBeUndefined();
  });

  it("maps helm's `# Source:` comments to template paths in the repository", async () => {
    const r = await renderFresh(repo.dir, app());
    expect(objectOf(r.objects, "Deployment", "app").file).toBe("charts/app/templates/deployment.yaml");
    expect(objectOf(r.objects, "Service", "app").file).toBe("charts/app/templates/service.yaml");
    expect(objectOf(r.objects, "ClusterRole", "app-reader").file).toBe(
      "charts/app/templates/clusterrole.yaml",
    );
  });

  it("reports a broken template with the release, environment, chart path and helm's message", async () => {
    const r = await renderFresh(repo.dir, { name: "web", namespace: "apps", chart: "charts/broken" }, "prod");
    expect(r.objects).toEqual([]);
    expect(r.error).toMatch(
      /^release web \(environment prod\): helm template failed for chart charts\/broken: /,
    );
    expect(r.error).toContain("broken/templates/broken.yaml:4");
    expect(r.error).toContain('unexpected "}" in operand');
  });

  it("names the missing chart directory", async () => {
    const r = await renderFresh(repo.dir, app({ chart: "charts/nope" }));
    expect(r.objects).toEqual([]);
    expect(r.error).toBe("chart of release app: charts/nope does not exist");
  });

  it("names a missing values file and the environment that asked for it", async () => {
    const r = await renderFresh(
      repo.dir,
      app({ env: { prod: { values: ["env/prod/missing.yaml"] } } }),
      "prod",
    );
    expect(r.error).toBe(
      "values file of release app (environment prod): env/prod/missing.yaml does not exist",
    );
    const dev = await renderFresh(
      repo.dir,
      app({ env: { prod: { values: ["env/prod/missing.yaml"] } } }),
      "dev",
    );
    expect(dev.error).toBeUndefined();
  });

  it("refuses a chart holding a symlink that leaves the repository", async () => {
    const outside = tempDir("zakenak-outside-");
    try {
      writeFileSync(
        join(outside.dir, "leak.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leak\n",
      );
      const leaky = tempRepo(chartFiles("charts/app"));
      try {
        symlinkSync(join(outside.dir, "leak.yaml"), join(leaky.dir, "charts/app/templates/leak.yaml"));
        const r = await renderFresh(leaky.dir, app());
        expect(r.objects).toEqual([]);
        expect(r.error).toContain("charts/app/templates/leak.yaml is a symlink that leaves the repository");
      } finally {
        leaky.cleanup();
      }
    } finally {
      outside.cleanup();
    }
  });
});
