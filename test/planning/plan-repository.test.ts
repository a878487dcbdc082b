import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planRepository } from "../../src/planning/plan-repository.js";
import { noRenderCache } from "../../src/planning/render/render-cache.js";
import type { EnvironmentPlan, Plan } from "../../src/planning/types.js";
import { appRepoFiles, configMapYaml } from "../support/repo-fixtures.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";

const CONFIG = `environments:
  - name: dev
  - name: prod
releases:
  - name: app
    namespace: apps
    chart: charts/app
    env:
      prod:
        values: [env/prod/app.yaml]
  - name: extras
    namespace: apps
    manifests: manifests/extras
`;

let repo: TempRepo;

beforeEach(() => {
  repo = tempRepo({
    ...appRepoFiles(),
    ".zakenak.yaml": CONFIG,
    "manifests/extras/settings.yaml": configMapYaml("settings", { mode: "calm" }),
  });
});
afterEach(() => repo.cleanup());

function env(plan: Plan, name: string): EnvironmentPlan {
  const found = plan.environments.find((e) => e.environment === name);
  if (!found) throw new Error(`no environment ${name} in plan`);
  return found;
}

/** `action kind/name` of every change in an environment, sorted. */
function changes(plan: Plan, name: string): string[] {
  return env(plan, name)
    .releases.flatMap((r) => r.changes.map((c) => `${c.action} ${c.kind}/${c.name}`))
    .sort();
}

const plan = (opts: Omit<Parameters<typeof planRepository>[0], "repoDir" | "cache"> = {}) =>
  planRepository({ repoDir: repo.dir, cache: noRenderCache, ...opts });

describe("planRepository", () => {
  it("compares the last commit with the working tree by default", async () => {
    const sha = repo.commit("base");
    repo.write({ "env/prod/app.yaml": "replicas: 4\n" });
    const p = await plan();
    expect(p).toMatchObject({ base: sha.slice(0, 12), head: "working tree", view: "repository" });
    expect(p.environments.map((e) => e.environment)).toEqual(["dev", "prod"]);
    expect(changes(p, "dev")).toEqual([]);
    expect(changes(p, "prod")).toEqual(["update Deployment/app"]);
    expect(env(p, "prod").summary).toEqual({ create: 0, update: 1, delete: 0, unchanged: 3 });
    expect(env(p, "prod").valid).toBe(true);
    const diff = env(p, "prod").releases[0]?.changes[0]?.diff ?? "";
    expect(diff).toContain("-  replicas: 3");
    expect(diff).toContain("+  replicas: 4");
  });

  it("reads --base and --head refs without touching the working tree", async () => {
    const first = repo.commit("first");
    repo.write({ "manifests/extras/settings.yaml": configMapYaml("settings", { mode: "busy" }) });
    const second = repo.commit("second");
    repo.git("tag", "v2");
    // Dirty the working tree: a modified tracked file and an untracked one.
    repo.write({
      "env/prod/app.yaml": "replicas: 9\n",
      "manifests/extras/new.yaml": configMapYaml("untracked"),
    });
    const status = repo.git("status", "--porcelain");
    const values = readFileSync(join(repo.dir, "env/prod/app.yaml"), "utf8");
    const head = repo.git("rev-parse", "HEAD");

    const p = await plan({ base: first, head: "v2" });
    expect(p.base).toBe(first.slice(0, 12));
    expect(p.head).toBe(`v2 (${second.slice(0, 12)})`);
    expect(changes(p, "prod")).toEqual(["update ConfigMap/settings"]);
    expect(env(p, "prod").releases.find((r) => r.release === "extras")?.changes[0]?.diff).toContain(
      "+  mode: busy",
    );

    expect(repo.git("status", "--porcelain")).toBe(status);
    expect(readFileSync(join(repo.dir, "env/prod/app.yaml"), "utf8")).toBe(values);
    expect(repo.git("rev-parse", "HEAD")).toBe(head);
    expect(repo.git("stash", "list")).toBe("");
  });

  it("deletes every object of a release removed in head", async () => {
    repo.commit("base");
    repo.write({ ".zakenak.yaml": CONFIG.replace(/ {2}- name: extras\n[\s\S]*$/, "") });
    const p = await plan({ environments: ["dev"] });
    expect(changes(p, "dev")).toEqual(["delete ConfigMap/settings"]);
    const extras = env(p, "dev").releases.find((r) => r.release === "extras");
    expect(extras?.changes[0]).toMatchObject({ action: "delete", apiVersion: "v1", namespace: "apps" });
  });

  it("limits the plan to the environments asked for", async () => {
    repo.commit("base");
    const p = await plan({ environments: ["prod"] });
    expect(p.environments.map((e) => e.environment)).toEqual(["prod"]);
  });

  it("refuses an unknown environment, listing the known ones", async () => {
    repo.commit("base");
    await expect(plan({ environments: ["staging"] })).rejects.toMatchObject({
      code: "usage",
      message: 'unknown environment "staging" (known: dev, prod)',
    });
  });

  it("is a git-ref-missing error naming a ref that does not exist", async () => {
    repo.commit("base");
    await expect(plan({ base: "no-such-branch" })).rejects.toMatchObject({
      code: "git-ref-missing",
      message: expect.stringContaining('git ref "no-such-branch" does not exist'),
    });
    await expect(plan({ head: "v9.9.9" })).rejects.toMatchObject({
      code: "git-ref-missing",
      message: expect.stringContaining('"v9.9.9"'),
    });
    await expect(plan({ base: "--output=/tmp/x" })).rejects.toMatchObject({ code: "git-ref-missing" });
  });

  it("plans everything as created when the base has no .zakenak.yaml", async () => {
    const empty = tempRepo({ "README.md": "nothing yet\n" });
    try {
      const base = empty.commit("empty");
      empty.write({
        ...appRepoFiles(),
        ".zakenak.yaml": CONFIG,
        "manifests/extras/a.yaml": configMapYaml("a"),
      });
      const p = await planRepository({
        repoDir: empty.dir,
        base,
        environments: ["dev"],
        cache: noRenderCache,
      });
      expect(changes(p, "dev")).toEqual([
        "create ConfigMap/a",
        "create ConfigMap/app-config",
        "create Deployment/app",
        "create Service/app",
      ]);
      expect(env(p, "dev").findings).toEqual([]);
    } finally {
      empty.cleanup();
    }
  });

  it("plans everything as created, with a warning, when the base's .zakenak.yaml is invalid", async () => {
    repo.write({ ".zakenak.yaml": "environments: {}\n" });
    const base = repo.commit("broken config");
    repo.write({ ".zakenak.yaml": CONFIG });
    const p = await plan({ base, environments: ["dev"] });
    expect(env(p, "dev").summary.create).toBe(4);
    expect(env(p, "dev").findings).toEqual([
      expect.objectContaining({ rule: "base-config", severity: "warning", file: ".zakenak.yaml" }),
    ]);
    expect(env(p, "dev").valid).toBe(true);
  });

  it("plans against nothing when base is null", async () => {
    repo.commit("base");
    const p = await plan({ base: null, environments: ["dev"] });
    expect(p.base).toBe("(nothing)");
    expect(env(p, "dev").summary).toEqual({ create: 4, update: 0, delete: 0, unchanged: 0 });
  });

  it("marks an environment invalid when a release fails to render, keeping the others", async () => {
    repo.commit("base");
    repo.write({ "charts/app/templates/broken.yaml": '{{ fail "no way" }}\n' });
    const p = await plan({ environments: ["dev"] });
    const dev = env(p, "dev");
    expect(dev.valid).toBe(false);
    expect(dev.releases.find((r) => r.release === "app")?.error).toContain("no way");
    expect(dev.releases.find((r) => r.release === "extras")?.error).toBeUndefined();
  });
});
