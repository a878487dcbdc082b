import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bulkTemplate, PRIVILEGED_POD } from "../support/cli-fixtures.js";
import { appRepoFiles, tempDir } from "../support/repo-fixtures.js";
import { runCli } from "../support/run-cli.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";

let cache: ReturnType<typeof tempDir>;
let repo: TempRepo;

beforeAll(() => {
  cache = tempDir("zakenak-cli-cache-");
});
afterAll(() => cache.cleanup());
beforeEach(() => {
  repo = tempRepo(appRepoFiles());
  repo.commit("base");
  return () => repo.cleanup();
});

const cli = (...argv: string[]) => runCli(argv, { cwd: repo.dir, cacheDir: cache.dir });

describe("zakenak plan", () => {
  it("exits 0 when nothing changes", async () => {
    const r = await cli("plan");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("dev: 0 to create, 0 to change, 0 to delete");
  });

  it("exits 2 when something changes, and shows the change", async () => {
    repo.write({ "env/prod/app.yaml": "replicas: 4\n" });
    const r = await cli("plan");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("prod: 0 to create, 1 to change, 0 to delete");
    expect(r.stdout).toContain("~ update Deployment apps/app");
    expect(r.stdout).toContain("+  replicas: 4");
    expect(r.stdout).not.toContain("\x1b[");
  });

  it("exits 1 on a validation error such as a privileged container", async () => {
    repo.write({ "charts/app/templates/debug.yaml": PRIVILEGED_POD });
    const r = await cli("plan");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("privileged-container");
    expect(r.stdout).toContain("charts/app/templates/debug.yaml");
  });

  it("exits 1 when a release fails to render, naming it on stderr", async () => {
    repo.write({ "charts/app/templates/broken.yaml": '{{ fail "cannot render" }}\n' });
    const r = await cli("plan", "--env", "dev");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^zakenak: release app \(environment dev\): helm template failed for chart charts\/app: /,
    );
    expect(r.stderr).toContain("cannot render");
  });

  it("compares --base and --head refs", async () => {
    const base = repo.git("rev-parse", "HEAD").trim();
    repo.write({ "env/prod/app.yaml": "replicas: 4\n" });
    const head = repo.commit("scale");
    expect((await cli("plan", "--base", base, "--head", base)).code).toBe(0);
    expect((await cli("plan", "--base", base, "--head", head, "--env", "dev")).code).toBe(0);
    expect((await cli("plan", "--base", base, "--head", head, "--env", "prod")).code).toBe(2);
  });

  it("gives the same answer with --no-cache", async () => {
    repo.write({ "env/prod/app.yaml": "replicas: 4\n" });
    const cached = await cli("plan", "--format", "json");
    const fresh = await cli("plan", "--format", "json", "--no-cache");
    expect(fresh.code).toBe(2);
    expect(fresh.stdout).toBe(cached.stdout);
  });

  it("prints JSON that follows the contract", async () => {
    repo.write({ "env/prod/app.yaml": "replicas: 4\n", "charts/app/templates/extra.yaml": bulkTemplate(1) });
    // Without image lookups: whether Docker Hub answers depends on the machine (test/registry covers them).
    const r = await cli("plan", "--format", "json", "--no-image-check");
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(["base", "head", "view", "summary", "environments"]);
    expect(json).toMatchObject({ head: "working tree", view: "repository" });
    expect(json.base).toMatch(/^[0-9a-f]{12}$/);
    expect(json.summary).toEqual({ create: 2, update: 1, delete: 0, unchanged: 5, errors: 0, warnings: 0 });
    const [dev, prod] = json.environments;
    expect(Object.keys(prod)).toEqual(["environment", "valid", "summary", "releases", "findings", "images"]);
    expect(dev).toMatchObject({ environment: "dev", valid: true, summary: { create: 1, update: 0 } });
    expect(prod.releases).toHaveLength(1);
    expect(prod.releases[0].release).toBe("app");
    const changes = prod.releases[0].changes;
    for (const c of changes)
      expect(Object.keys(c)).toEqual(["action", "apiVersion", "kind", "namespace", "name", "diff"]);
    type Change = { action: string; kind: string; name: string; diff: string };
    const described = changes.map((c: Change) => `${c.action} ${c.kind}/${c.name}`).sort();
    expect(described).toEqual(["create ConfigMap/bulk-0", "update Deployment/app"]);
    const update = changes.find((c: Change) => c.action === "update");
    expect(update).toMatchObject({ apiVersion: "apps/v1", namespace: "apps" });
    expect(update.diff).toContain("+  replicas: 4");
    expect(prod.findings).toEqual([]);
    expect(prod.images).toBeNull();
  });

  it("keeps a --format markdown report within --limit", async () => {
    repo.write({ "charts/app/templates/bulk.yaml": bulkTemplate(40) });
    const full = await cli("plan", "--format", "markdown");
    expect(full.code).toBe(2);
    expect(full.stdout.length).toBeGreaterThan(10_000);
    const r = await cli("plan", "--format", "markdown", "--limit", "3000");
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBeLessThanOrEqual(3000);
    expect(r.stdout).toContain("bulk-0");
  });

  it("keeps a markdown report within --limit even when the report fits it exactly", async () => {
    repo.write({ "charts/app/templates/bulk.yaml": bulkTemplate(40) });
    const first = await cli("plan", "--format", "markdown", "--limit", "3000");
    // The longest report that fits 3000 is `exact` characters; ask for exactly that many.
    const exact = first.stdout.replace(/\n$/, "").length;
    const r = await cli("plan", "--format", "markdown", "--limit", String(exact));
    expect(r.stdout.length).toBeLessThanOrEqual(exact);
  });

  it("refuses a --limit that is not a positive whole number", async () => {
    const r = await cli("plan", "--format", "markdown", "--limit", "lots");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('zakenak: --limit must be a positive whole number, got "lots"\n');
  });
});

describe("zakenak validate", () => {
  it("exits 0 for a valid repository and reports objects per environment", async () => {
    const r = await cli("validate");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "dev: valid — 3 objects in 1 releases, 0 errors, 0 warnings\nprod: valid — 3 objects in 1 releases, 0 errors, 0 warnings\n",
    );
  });

  it("exits 1 with the finding's file and rule for an invalid one", async () => {
    repo.write({ "charts/app/templates/debug.yaml": PRIVILEGED_POD });
    const r = await cli("validate", "--env", "prod");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^prod: INVALID — 4 objects in 1 releases, 1 errors, 0 warnings\n/);
    expect(r.stdout).toContain(
      "error [privileged-container] charts/app/templates/debug.yaml Pod/apps/app-debug:",
    );
  });

  it("prints JSON with --format json and validates a ref with --ref", async () => {
    const clean = repo.git("rev-parse", "HEAD").trim();
    repo.write({ "charts/app/templates/debug.yaml": PRIVILEGED_POD });
    const dirty = await cli("validate", "--format", "json", "--env", "dev");
    expect(dirty.code).toBe(1);
    const json = JSON.parse(dirty.stdout);
    expect(json).toMatchObject({ valid: false, ref: "working tree" });
    expect(json.environments[0].findings[0]).toMatchObject({
      rule: "privileged-container",
      severity: "error",
    });
    const ok = await cli("validate", "--format", "json", "--ref", clean);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).valid).toBe(true);
  });
});
