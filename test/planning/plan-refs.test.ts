import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planRepository } from "../../src/planning/plan-repository.js";
import { noRenderCache } from "../../src/planning/render/render-cache.js";
import { configMapYaml, tempDir } from "../support/repo-fixtures.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";

const CONFIG = `environments:
  - name: dev
releases:
  - name: extras
    namespace: apps
    manifests: manifests
`;

let repo: TempRepo;

beforeEach(() => {
  repo = tempRepo({ ".zakenak.yaml": CONFIG, "manifests/settings.yaml": configMapYaml("settings") });
});
afterEach(() => repo.cleanup());

/** `action kind/name` of every change in the only environment. */
async function changesBetween(base: string | null, head: string): Promise<string[]> {
  const plan = await planRepository({ repoDir: repo.dir, base, head, cache: noRenderCache });
  const [env] = plan.environments;
  const errors = env?.releases.flatMap((r) => (r.error ? [r.error] : [])) ?? [];
  expect(errors).toEqual([]);
  return (env?.releases ?? []).flatMap((r) => r.changes.map((c) => `${c.action} ${c.kind}/${c.name}`)).sort();
}

describe("planning git refs", () => {
  // Apply after a merge renders a checkout; a plan of a ref must show exactly what that checkout holds.
  it("renders a ref exactly like a checkout of it, whatever .gitattributes export-ignore says", async () => {
    const base = repo.commit("base");
    repo.write({
      ".gitattributes": "manifests/hidden.yaml export-ignore\n",
      "manifests/hidden.yaml": configMapYaml("hidden"),
    });
    const head = repo.commit("hide a change from the plan");
    const checkout = await planRepository({ repoDir: repo.dir, base, cache: noRenderCache });
    expect(checkout.environments[0]?.summary.create).toBe(1);
    expect(await changesBetween(base, head)).toEqual(["create ConfigMap/hidden"]);
  });

  it("renders committed file contents verbatim, without expanding export-subst placeholders", async () => {
    const base = repo.commit("base");
    repo.write({
      ".gitattributes": "manifests/** export-subst\n",
      "manifests/settings.yaml": configMapYaml("settings", { commit: "$Format:%H$" }),
    });
    const head = repo.commit("placeholder");
    const plan = await planRepository({ repoDir: repo.dir, base, head, cache: noRenderCache });
    const diff = plan.environments[0]?.releases[0]?.changes[0]?.diff ?? "";
    expect(diff).toContain("+  commit: $Format:%H$");
  });

  describe("with TMPDIR reached through a symlink (as on macOS, where /var is /private/var)", () => {
    const before = process.env.TMPDIR;
    let tmp: ReturnType<typeof tempDir>;
    beforeEach(() => {
      tmp = tempDir("zakenak-tmpdir-");
      mkdirSync(join(tmp.dir, "real"));
      symlinkSync(join(tmp.dir, "real"), join(tmp.dir, "link"));
      process.env.TMPDIR = join(tmp.dir, "link");
    });
    afterEach(() => {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
      tmp.cleanup();
    });

    it("renders manifests of a ref checked out into the temporary directory", async () => {
      const base = repo.commit("base");
      repo.write({ "manifests/more.yaml": configMapYaml("more") });
      const head = repo.commit("more");
      expect(await changesBetween(base, head)).toEqual(["create ConfigMap/more"]);
    });
  });
});
