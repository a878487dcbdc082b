import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { resolveRepoPath } from "../../src/config/resolve-repo-path.js";
import { tempDir } from "../support/repo-fixtures.js";

let repo: ReturnType<typeof tempDir>;
let outside: ReturnType<typeof tempDir>;

beforeEach(() => {
  repo = tempDir("zakenak-config-");
  outside = tempDir("zakenak-outside-");
});
afterEach(() => {
  repo.cleanup();
  outside.cleanup();
});

describe("loadConfig", () => {
  it("reads .zakenak.yaml from the directory and checks rules against the known ones", async () => {
    writeFileSync(join(repo.dir, ".zakenak.yaml"), "environments:\n  - name: dev\n");
    await expect(loadConfig(repo.dir)).resolves.toMatchObject({
      environments: [{ name: "dev" }],
      releases: [],
    });
    writeFileSync(
      join(repo.dir, ".zakenak.yaml"),
      "environments:\n  - name: dev\npolicy:\n  rules:\n    nope: error\n",
    );
    await expect(loadConfig(repo.dir, ["schema"])).rejects.toMatchObject({
      code: "config-invalid",
      message: expect.stringContaining(".zakenak.yaml:5: policy.rules.nope: unknown rule"),
    });
  });

  it("is a config-missing error naming the directory when there is no .zakenak.yaml", async () => {
    await expect(loadConfig(repo.dir)).rejects.toMatchObject({
      code: "config-missing",
      message: `no .zakenak.yaml at the root of ${repo.dir}`,
    });
  });
});

describe("resolveRepoPath", () => {
  it("resolves a path inside the repository, also through an inner symlink", async () => {
    mkdirSync(join(repo.dir, "charts/app"), { recursive: true });
    symlinkSync("charts/app", join(repo.dir, "app-link"));
    const real = await resolveRepoPath(repo.dir, "app-link", "chart of release app");
    expect(real.endsWith(join("charts", "app"))).toBe(true);
  });

  it("refuses `..` and absolute paths before touching the disk", async () => {
    await expect(resolveRepoPath(repo.dir, "a/../../etc", "chart of release app")).rejects.toMatchObject({
      code: "path-outside-repo",
      message: "chart of release app: a/../../etc is outside the repository",
    });
    await expect(resolveRepoPath(repo.dir, "/etc", "values file of release app")).rejects.toMatchObject({
      code: "path-outside-repo",
      message: "values file of release app: /etc is outside the repository",
    });
  });

  it("refuses a symlink that leaves the repository", async () => {
    writeFileSync(join(outside.dir, "values.yaml"), "password: hunter2\n");
    symlinkSync(join(outside.dir, "values.yaml"), join(repo.dir, "values.yaml"));
    symlinkSync(outside.dir, join(repo.dir, "charts"));
    await expect(
      resolveRepoPath(repo.dir, "values.yaml", "values file of release app"),
    ).rejects.toMatchObject({
      code: "path-outside-repo",
      message: "values file of release app: values.yaml is a symlink that leaves the repository",
    });
    await expect(
      resolveRepoPath(repo.dir, "charts/values.yaml", "chart of release app"),
    ).rejects.toMatchObject({
      code: "path-outside-repo",
    });
  });

  it("is a file-missing error naming what and where for a path that does not exist", async () => {
    await expect(resolveRepoPath(repo.dir, "charts/nope", "chart of release app")).rejects.toMatchObject({
      code: "file-missing",
      message: "chart of release app: charts/nope does not exist",
    });
  });
});
