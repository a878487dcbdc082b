import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ReleaseConfig } from "../../src/config/schema.js";
import { planRepository } from "../../src/planning/plan-repository.js";
import { diskRenderCache, noRenderCache, type RenderCache } from "../../src/planning/render/render-cache.js";
import { type CountingHelm, countingHelm, useHelm } from "../support/counting-helm.js";
import { appRepoFiles, objectOf, renderFresh, specOf, tempDir } from "../support/repo-fixtures.js";
import { chartFiles, type TempRepo, tempRepo } from "../support/temp-repo.js";

let scratch: ReturnType<typeof tempDir>;
let helm: CountingHelm;
let restoreHelm: () => void;
let repo: TempRepo;
let cache: RenderCache;

beforeEach(() => {
  scratch = tempDir("zakenak-cache-");
  helm = countingHelm(scratch.dir);
  // Before the first render: the wrapper path is read on every call (and is part of the cache key).
  restoreHelm = useHelm(helm.path);
  repo = tempRepo({ ...appRepoFiles(), "values/app.yaml": "greeting: first\n" });
  cache = diskRenderCache(join(scratch.dir, "renders"));
});
afterEach(() => {
  restoreHelm();
  repo.cleanup();
  scratch.cleanup();
});

const app: ReleaseConfig = {
  name: "app",
  namespace: "apps",
  chart: "charts/app",
  values: ["values/app.yaml"],
};

describe("render cache", () => {
  it("serves the second render of unchanged inputs from disk without running helm", async () => {
    const first = await renderFresh(repo.dir, app, "dev", cache);
    expect(first.cached).toBe(false);
    expect(helm.count()).toBe(1);
    expect(helm.runs()[0]).toMatch(/^template app /);
    const second = await renderFresh(repo.dir, app, "dev", cache);
    expect(second.cached).toBe(true);
    expect(helm.count()).toBe(1);
    expect(second.objects).toEqual(first.objects);
    expect(second.findings).toEqual(first.findings);
  });

  it("takes the same render written by several jobs at once, leaving one entry", async () => {
    const entry = { objects: [], findings: [] };
    const key = "a".repeat(64);
    await Promise.all(Array.from({ length: 8 }, () => cache.put(key, entry)));
    expect(readdirSync(join(scratch.dir, "renders"))).toEqual([`${key}.json`]);
    expect(await cache.get(key)).toEqual(entry);
  });

  it("keeps cached renders private to the user (they can hold Secret values)", async () => {
    await renderFresh(repo.dir, app, "dev", cache);
    const dir = join(scratch.dir, "renders");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(statSync(join(dir, files[0] ?? "")).mode & 0o777).toBe(0o600);
  });

  it("renders again when a values file changes", async () => {
    await renderFresh(repo.dir, app, "dev", cache);
    repo.write({ "values/app.yaml": "greeting: second\n" });
    const changed = await renderFresh(repo.dir, app, "dev", cache);
    expect(changed.cached).toBe(false);
    expect(helm.count()).toBe(2);
    expect(objectOf(changed.objects, "ConfigMap", "app-config").object.data).toEqual({ greeting: "second" });
    expect((await renderFresh(repo.dir, app, "dev", cache)).cached).toBe(true);
    expect(helm.count()).toBe(2);
  });

  it("renders again when a template changes, and when a file is added to the chart", async () => {
    await renderFresh(repo.dir, app, "dev", cache);
    repo.write({
      "charts/app/templates/deployment.yaml": (chartFiles("x")["x/templates/deployment.yaml"] ?? "").replace(
        "replicas: {{ .Values.replicas }}",
        "replicas: 7",
      ),
    });
    const changed = await renderFresh(repo.dir, app, "dev", cache);
    expect(changed.cached).toBe(false);
    expect(specOf(objectOf(changed.objects, "Deployment", "app").object).replicas).toBe(7);
    repo.write({
      "charts/app/templates/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
    });
    const added = await renderFresh(repo.dir, app, "dev", cache);
    expect(added.cached).toBe(false);
    expect(objectOf(added.objects, "ConfigMap", "extra").object.metadata.namespace).toBe("apps");
    expect(helm.count()).toBe(3);
  });

  it("keys renders by release name and namespace, too", async () => {
    await renderFresh(repo.dir, app, "dev", cache);
    const renamed = await renderFresh(repo.dir, { ...app, name: "other" }, "dev", cache);
    expect(renamed.cached).toBe(false);
    expect(objectOf(renamed.objects, "Deployment", "other").release).toBe("other");
    const moved = await renderFresh(repo.dir, { ...app, namespace: "elsewhere" }, "dev", cache);
    expect(moved.cached).toBe(false);
    expect(helm.count()).toBe(3);
  });

  it("does not cache a failed render", async () => {
    repo.write({ "charts/app/templates/broken.yaml": '{{ fail "boom" }}\n' });
    const first = await renderFresh(repo.dir, app, "dev", cache);
    expect(first.error).toContain("boom");
    const second = await renderFresh(repo.dir, app, "dev", cache);
    expect(second.error).toContain("boom");
    expect(second.cached).toBe(false);
    expect(helm.count()).toBe(2);
  });

  it("treats an unreadable cache entry as a miss", async () => {
    await renderFresh(repo.dir, app, "dev", cache);
    const dir = join(scratch.dir, "renders");
    for (const f of readdirSync(dir)) writeFileSync(join(dir, f), "{not json");
    const again = await renderFresh(repo.dir, app, "dev", cache);
    expect(again.cached).toBe(false);
    expect(again.objects.length).toBeGreaterThan(0);
    expect(helm.count()).toBe(2);
  });
});

describe("in-run dedupe", () => {
  it("renders a chart that is identical in base and head once per plan", async () => {
    repo.commit("base");
    const plan = await planRepository({ repoDir: repo.dir, environments: ["dev"], cache: noRenderCache });
    expect(plan.environments[0]?.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(plan.environments[0]?.summary.unchanged).toBeGreaterThan(0);
    expect(helm.count()).toBe(1);
  });

  it("renders equal inputs once across environments, and a differing environment separately", async () => {
    repo.commit("base");
    await planRepository({ repoDir: repo.dir, cache: noRenderCache });
    // dev: chart defaults; prod: plus env/prod/app.yaml. Base and head are equal.
    expect(helm.count()).toBe(2);
  });

  it("renders base and head separately when the chart differs", async () => {
    repo.commit("base");
    repo.write({ "env/prod/app.yaml": "replicas: 4\n" });
    const plan = await planRepository({ repoDir: repo.dir, environments: ["prod"], cache: noRenderCache });
    expect(helm.count()).toBe(2);
    expect(plan.environments[0]?.summary.update).toBe(1);
  });
});
