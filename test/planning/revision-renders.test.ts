import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planRepository } from "../../src/planning/plan-repository.js";
import { diskRenderCache, noRenderCache, type RenderCache } from "../../src/planning/render/render-cache.js";
import type { EnvironmentPlan, Plan } from "../../src/planning/types.js";
import { type CountingHelm, countingHelm, useHelm } from "../support/counting-helm.js";
import { appRepoFiles, configMapYaml, tempDir } from "../support/repo-fixtures.js";
import { chartFiles, type TempRepo, tempRepo } from "../support/temp-repo.js";
import { type CountingGit, countingGit } from "./counting-git.js";

// Revisions are read through git object ids: these tests pin down that this renders exactly what a
// checkout would, renders equal inputs once, and writes files out only when a render misses the cache.

let scratch: ReturnType<typeof tempDir>;
let helm: CountingHelm;
let git: CountingGit;
let restoreHelm: () => void;
let repo: TempRepo;
let cache: RenderCache;

beforeEach(() => {
  scratch = tempDir("zakenak-revision-");
  helm = countingHelm(scratch.dir);
  restoreHelm = useHelm(helm.path);
  git = countingGit(scratch.dir);
  repo = tempRepo(appRepoFiles());
  cache = diskRenderCache(join(scratch.dir, "renders"));
});
afterEach(() => {
  git.restore();
  restoreHelm();
  repo.cleanup();
  scratch.cleanup();
});

function dev(plan: Plan): EnvironmentPlan {
  const found = plan.environments.find((e) => e.environment === "dev");
  if (!found) throw new Error("no environment dev in plan");
  return found;
}

function errors(plan: Plan): string[] {
  return plan.environments.flatMap((e) => e.releases.flatMap((r) => (r.error ? [r.error] : [])));
}

/** git runs that write files: filling a private index or checking files out of it. */
function writes(runs: string[]): string[] {
  return runs.filter((r) => /\b(read-tree|checkout-index)\b/.test(r));
}

describe("revisions keyed by git object ids", () => {
  it("renders a chart that is equal in two different commits once", async () => {
    const base = repo.commit("base");
    repo.write({ "README.md": "unrelated\n" });
    const head = repo.commit("unrelated change");
    const plan = await planRepository({ repoDir: repo.dir, base, head, environments: ["dev"], cache });
    expect(errors(plan)).toEqual([]);
    expect(dev(plan).summary).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(helm.count()).toBe(1);
    // The one render read the head's files from git, so only that chart was written out.
    const checkouts = git.runs().filter((r) => r.includes("checkout-index"));
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0]).not.toContain("--all");
  });

  it("writes out and renders a revision's chart on a cache miss, with the revision's own values", async () => {
    repo.write({ "charts/app/values.yaml": "replicas: 1\nimage: nginx:1.27.0\ngreeting: committed\n" });
    mkdirSync(join(repo.dir, "charts/app/templates/nested"), { recursive: true });
    repo.write({ "charts/app/templates/nested/extra.yaml": configMapYaml("{{ .Release.Name }}-extra") });
    chmodSync(join(repo.dir, "charts/app/templates/nested/extra.yaml"), 0o755);
    const base = repo.commit("base");
    repo.write({ "charts/app/values.yaml": "replicas: 1\nimage: nginx:1.27.0\ngreeting: edited\n" });
    const plan = await planRepository({ repoDir: repo.dir, base, environments: ["dev"], cache });
    expect(errors(plan)).toEqual([]);
    expect(dev(plan).summary).toEqual({ create: 0, update: 1, delete: 0, unchanged: 3 });
    const diff = dev(plan).releases[0]?.changes[0]?.diff ?? "";
    expect(diff).toContain("-  greeting: committed");
    expect(diff).toContain("+  greeting: edited");
    expect(helm.count()).toBe(2);
  });

  it("writes out many charts of a revision at once without git tripping over shared directories", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `app${i}`);
    repo.write({
      ".zakenak.yaml": `environments:\n  - name: dev\nreleases:\n${names
        .map(
          (n) =>
            `  - name: ${n}\n    namespace: apps\n    chart: charts/${n}\n    values: [values/${n}.yaml]\n`,
        )
        .join("")}`,
      ...Object.assign({}, ...names.map((n) => chartFiles(`charts/${n}`, n))),
      ...Object.fromEntries(names.map((n) => [`values/${n}.yaml`, "greeting: before\n"])),
    });
    const base = repo.commit("six charts");
    repo.write(Object.fromEntries(names.map((n) => [`values/${n}.yaml`, "greeting: after\n"])));
    const plan = await planRepository({ repoDir: repo.dir, base, cache, concurrency: 12 });
    expect(errors(plan)).toEqual([]);
    expect(dev(plan).summary.update).toBe(names.length);
  });

  it("reads the Chart.yaml of every chart of a revision with one git process, however many charts", async () => {
    const names = Array.from({ length: 20 }, (_, i) => `app${i}`);
    repo.write({
      ".zakenak.yaml": `environments:\n  - name: dev\nreleases:\n${names
        .map((n) => `  - name: ${n}\n    namespace: apps\n    chart: charts/${n}\n`)
        .join("")}`,
      ...Object.assign({}, ...names.map((n) => chartFiles(`charts/${n}`, n))),
    });
    const base = repo.commit("twenty charts");
    repo.write(Object.fromEntries(names.map((n) => [`charts/${n}/values.yaml`, "replicas: 2\n"])));
    const head = repo.commit("two replicas each");
    const cold = await planRepository({ repoDir: repo.dir, base, head, cache, concurrency: 2 });
    expect(errors(cold)).toEqual([]);
    expect(dev(cold).releases.filter((r) => r.changes.length > 0)).toHaveLength(names.length);
    git.reset();
    const warm = await planRepository({ repoDir: repo.dir, base, head, cache, concurrency: 2 });
    expect(warm).toEqual(cold);
    // Per revision: its .zakenak.yaml, then every chart's Chart.yaml and Chart.lock at once.
    const blobReads = git.runs().filter((r) => r.includes("cat-file"));
    expect(blobReads).toHaveLength(4);
    // Two rev-parse and two ls-tree per revision, and the top level: 11 in all, not one per chart.
    expect(git.runs()).toHaveLength(11);

    // The secret scan lists every file of both revisions: the renders' listings come from that one.
    git.reset();
    const scanned = await planRepository({ repoDir: repo.dir, base, head, cache, scanSecrets: true });
    expect(scanned.environments.map((e) => e.releases)).toEqual(cold.environments.map((e) => e.releases));
    expect(git.runs().filter((r) => r.includes("ls-tree"))).toHaveLength(2);
  });

  it("plans a warm revision without helm and without writing any file of it", async () => {
    const base = repo.commit("base");
    repo.write({ "env/prod/app.yaml": "replicas: 5\n" });
    const head = repo.commit("more replicas");
    const cold = await planRepository({ repoDir: repo.dir, base, head, cache });
    expect(errors(cold)).toEqual([]);
    const renders = helm.count();
    expect(renders).toBe(3); // dev (equal in both), prod base, prod head
    git.reset();
    const warm = await planRepository({ repoDir: repo.dir, base, head, cache });
    expect(helm.count()).toBe(renders);
    expect(writes(git.runs())).toEqual([]);
    expect(warm).toEqual(cold);
  });

  it("keys the working tree and a revision alike, so a cached revision serves the working tree", async () => {
    const base = repo.commit("base");
    await planRepository({ repoDir: repo.dir, base, head: base, environments: ["dev"], cache });
    expect(helm.count()).toBe(1);
    await planRepository({ repoDir: repo.dir, base, environments: ["dev"], cache });
    expect(helm.count()).toBe(1);
  });

  it("refuses a symlink in a revision's chart that leaves the repository", async () => {
    const outside = tempDir("zakenak-outside-");
    try {
      writeFileSync(join(outside.dir, "leak.yaml"), configMapYaml("leak"));
      symlinkSync(join(outside.dir, "leak.yaml"), join(repo.dir, "charts/app/templates/leak.yaml"));
      const base = repo.commit("leaky chart");
      repo.remove("charts/app/templates/leak.yaml");
      const plan = await planRepository({ repoDir: repo.dir, base, environments: ["dev"], cache });
      const release = dev(plan).releases[0];
      expect(release?.error).toBe(
        "base: charts/app/templates/leak.yaml is a symlink that leaves the repository (or points nowhere)",
      );
      expect(dev(plan).valid).toBe(false);
    } finally {
      outside.cleanup();
    }
  });

  it("follows a symlink in a revision's chart that stays inside the repository", async () => {
    repo.write({ "shared/extra.yaml": configMapYaml("{{ .Release.Name }}-shared") });
    symlinkSync("../../../shared/extra.yaml", join(repo.dir, "charts/app/templates/extra.yaml"));
    const base = repo.commit("shared template");
    const plan = await planRepository({ repoDir: repo.dir, base, head: base, environments: ["dev"], cache });
    expect(errors(plan)).toEqual([]);
    expect(dev(plan).summary).toEqual({ create: 0, update: 0, delete: 0, unchanged: 4 });
    // Only a checkout can tell where a symlink leads: the revision was written out whole.
    expect(git.runs().some((r) => r.includes("checkout-index") && r.includes("--all"))).toBe(true);
  });

  it("names a chart or values file missing from a revision exactly as for the working tree", async () => {
    repo.write({
      ".zakenak.yaml": `environments:
  - name: dev
releases:
  - name: app
    chart: charts/gone
  - name: other
    chart: charts/app
    values: [values/gone.yaml]
`,
    });
    const base = repo.commit("broken");
    const plan = await planRepository({ repoDir: repo.dir, base, head: base, cache: noRenderCache });
    expect(dev(plan).releases.map((r) => r.error)).toEqual([
      "chart of release app: charts/gone does not exist",
      "values file of release other (environment dev): values/gone.yaml does not exist",
    ]);
  });

  it("plans a directory below the repository's top level", async () => {
    const nested = tempRepo(
      Object.fromEntries(Object.entries(appRepoFiles()).map(([path, text]) => [`deploy/${path}`, text])),
    );
    try {
      const base = nested.commit("base");
      nested.write({ "deploy/env/prod/app.yaml": "replicas: 6\n" });
      const repoDir = join(nested.dir, "deploy");
      const plan = await planRepository({ repoDir, base, cache });
      expect(errors(plan)).toEqual([]);
      expect(plan.environments.map((e) => e.summary.update)).toEqual([0, 1]);
      expect(helm.count()).toBe(3);
    } finally {
      nested.cleanup();
    }
  });

  it("renders a Kustomize overlay of a revision from its checkout", async () => {
    repo.write({
      ".zakenak.yaml":
        "environments:\n  - name: dev\nreleases:\n  - name: web\n    namespace: apps\n    kustomize: overlay\n",
      "overlay/kustomization.yaml": "resources:\n  - settings.yaml\n",
      "overlay/settings.yaml": configMapYaml("settings", { mode: "calm" }),
    });
    const base = repo.commit("overlay");
    repo.write({ "overlay/settings.yaml": configMapYaml("settings", { mode: "busy" }) });
    const plan = await planRepository({ repoDir: repo.dir, base, cache });
    expect(errors(plan)).toEqual([]);
    const diff = dev(plan).releases[0]?.changes[0]?.diff ?? "";
    expect(diff).toContain("-  mode: calm");
    expect(diff).toContain("+  mode: busy");
  });
});
