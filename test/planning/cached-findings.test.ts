import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planRepository } from "../../src/planning/plan-repository.js";
import { diskRenderCache, noRenderCache, type RenderCache } from "../../src/planning/render/render-cache.js";
import type { EnvironmentPlan, Plan } from "../../src/planning/types.js";
import { type CountingHelm, countingHelm, useHelm } from "../support/counting-helm.js";
import { appRepoFiles, configMapYaml, tempDir } from "../support/repo-fixtures.js";
import { chartFiles, type TempRepo, tempRepo } from "../support/temp-repo.js";

// Per-object validation findings are kept with cached renders, so a warm plan loads no schema validators;
// what it reports must not differ in the least from a plan without a cache.

let scratch: ReturnType<typeof tempDir>;
let helm: CountingHelm;
let restoreHelm: () => void;
let repo: TempRepo;
let cache: RenderCache;

beforeEach(() => {
  scratch = tempDir("zakenak-findings-");
  helm = countingHelm(scratch.dir);
  restoreHelm = useHelm(helm.path);
  repo = tempRepo(appRepoFiles());
  cache = diskRenderCache(join(scratch.dir, "renders"));
});
afterEach(() => {
  restoreHelm();
  repo.cleanup();
  scratch.cleanup();
});

function dev(plan: Plan): EnvironmentPlan {
  const found = plan.environments.find((e) => e.environment === "dev");
  if (!found) throw new Error("no environment dev in plan");
  return found;
}

describe("validation findings cached with renders", () => {
  // Findings from every kind of rule: per-object (schema, image tag, limits) and cross-object (a
  // duplicate across releases, a custom resource whose scope comes from a CRD in another release).
  const CONFIG = `environments:
  - name: dev
releases:
  - name: app
    chart: charts/app
  - name: web
    namespace: apps
    chart: charts/web
  - name: extras
    manifests: manifests
policy:
  rules:
    image-latest-tag: error
`;
  const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets }
  versions: [{ name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }]
`;

  beforeEach(() => {
    repo.write({
      ".zakenak.yaml": CONFIG,
      ...chartFiles("charts/web", "web"),
      "charts/web/values.yaml": "replicas: 1\nimage: nginx\ngreeting: hi\n",
      "charts/web/templates/widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
      "charts/web/templates/bad.yaml":
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  portz: []\n",
      "manifests/crd.yaml": CRD,
      "manifests/dup.yaml": configMapYaml("web-config"),
      "manifests/widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: loose\n",
    });
  });

  const findingsOf = async (c: RenderCache) =>
    dev(await planRepository({ repoDir: repo.dir, base: null, cache: c })).findings;

  it("gives the same findings from a warm cache as without a cache", async () => {
    const uncached = await findingsOf(noRenderCache);
    const rules = new Set(uncached.map((f) => f.rule));
    for (const rule of [
      "schema",
      "unknown-kind",
      "image-latest-tag",
      "duplicate-object",
      "missing-namespace",
    ]) {
      expect(rules).toContain(rule);
    }
    expect(uncached.find((f) => f.rule === "image-latest-tag")?.severity).toBe("error");
    expect(await findingsOf(cache)).toEqual(uncached);
    const renders = helm.count();
    expect(await findingsOf(cache)).toEqual(uncached);
    expect(helm.count()).toBe(renders);
  });

  it("follows changed rule settings without rendering again", async () => {
    await findingsOf(cache);
    const renders = helm.count();
    repo.write({
      ".zakenak.yaml": CONFIG.replace(
        "image-latest-tag: error",
        "image-latest-tag: info\n    schema: off\n    missing-namespace: warning",
      ),
    });
    const uncached = await findingsOf(noRenderCache);
    expect(uncached.some((f) => f.rule === "schema")).toBe(false);
    expect(await findingsOf(cache)).toEqual(uncached);
    expect(await findingsOf(cache)).toEqual(uncached);
    expect(helm.count()).toBe(renders + 2); // only the uncached run rendered (two charts)
  });
});
