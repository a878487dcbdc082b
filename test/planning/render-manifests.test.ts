import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifests } from "../../src/planning/render/read-manifests.js";
import { configMapYaml, kinds, objectOf, renderFresh, tempDir } from "../support/repo-fixtures.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";

const SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{ port: 80 }]\n";
const LIST = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: { name: listed-a }
  - apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: { name: listed-reader }
    rules: []
`;

let repo: TempRepo;

beforeAll(() => {
  repo = tempRepo({
    // Two documents: the second starts with the `---` marker on line 4.
    "manifests/app/a.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: first }\n---\n${SERVICE}---\n`,
    "manifests/app/sub/list.yml": LIST,
    "manifests/app/sub/deeper/c.json": JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "from-json", namespace: "other" },
    }),
    "manifests/app/README.md": "not a manifest: true\n",
    "manifests/app/notes.txt": "kind: Nothing\n",
    "manifests/mixed/good.yaml": configMapYaml("good"),
    "manifests/mixed/bad.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  key: [unclosed\n  other: x\n",
    "manifests/mixed/z-unnamed.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: anon-\n",
  });
});
afterAll(() => repo.cleanup());

describe("manifests releases", () => {
  it("reads YAML and JSON files recursively, splitting documents and Lists, skipping other files", async () => {
    const r = await renderFresh(repo.dir, { name: "app", namespace: "apps", manifests: "manifests/app" });
    expect(r.error).toBeUndefined();
    expect(r.findings).toEqual([]);
    expect(r.cached).toBe(false);
    expect(kinds(r.objects)).toEqual([
      "ClusterRole/listed-reader",
      "ConfigMap/first",
      "ConfigMap/from-json",
      "ConfigMap/listed-a",
      "Service/web",
    ]);
  });

  it("records each object's file and the line its document starts on", async () => {
    const r = await renderFresh(repo.dir, { name: "app", namespace: "apps", manifests: "manifests/app" });
    expect(objectOf(r.objects, "ConfigMap", "first")).toMatchObject({
      file: "manifests/app/a.yaml",
      line: 1,
    });
    expect(objectOf(r.objects, "Service", "web")).toMatchObject({ file: "manifests/app/a.yaml", line: 4 });
    expect(objectOf(r.objects, "ConfigMap", "listed-a")).toMatchObject({
      file: "manifests/app/sub/list.yml",
    });
    expect(objectOf(r.objects, "ConfigMap", "from-json").file).toBe("manifests/app/sub/deeper/c.json");
  });

  it("gives namespaced objects without one the release namespace, keeping explicit ones", async () => {
    const r = await renderFresh(repo.dir, { name: "app", namespace: "apps", manifests: "manifests/app" });
    const ns = (kind: string, name: string) => objectOf(r.objects, kind, name).object.metadata.namespace;
    expect(ns("ConfigMap", "first")).toBe("apps");
    expect(ns("ConfigMap", "listed-a")).toBe("apps");
    expect(ns("ConfigMap", "from-json")).toBe("other");
    expect(ns("ClusterRole", "listed-reader")).toBeUndefined();
  });

  it("turns a YAML syntax error into a yaml-syntax finding with file and line; other files still render", async () => {
    const r = await renderFresh(repo.dir, { name: "mixed", namespace: "apps", manifests: "manifests/mixed" });
    expect(r.error).toBeUndefined();
    expect(kinds(r.objects)).toEqual(["ConfigMap/good"]);
    const syntax = r.findings.filter((f) => f.rule === "yaml-syntax");
    expect(syntax).toHaveLength(1);
    expect(syntax[0]).toMatchObject({ severity: "error", file: "manifests/mixed/bad.yaml" });
    expect(syntax[0]?.line).toBeGreaterThanOrEqual(6);
    expect(syntax[0]?.line).toBeLessThanOrEqual(7);
    expect(syntax[0]?.message).toMatch(/^invalid YAML: /);
    expect(r.findings.filter((f) => f.rule === "invalid-object")).toEqual([
      {
        rule: "invalid-object",
        severity: "error",
        file: "manifests/mixed/z-unnamed.yaml",
        line: 1,
        message: "ConfigMap uses generateName, which GitOps cannot track",
      },
    ]);
  });

  it("refuses a manifest symlink that leaves the repository (path-outside-repo)", async () => {
    const outside = tempDir("zakenak-outside-");
    const leaky = tempRepo({ "manifests/ok.yaml": configMapYaml("ok") });
    try {
      writeFileSync(join(outside.dir, "stolen.yaml"), configMapYaml("stolen"));
      symlinkSync(join(outside.dir, "stolen.yaml"), join(leaky.dir, "manifests/leak.yaml"));
      await expect(
        readManifests({ release: "app", dir: join(leaky.dir, "manifests"), repoRoot: leaky.dir }),
      ).rejects.toMatchObject({
        code: "path-outside-repo",
        message: "manifest of release app: manifests/leak.yaml is a symlink that leaves the repository",
      });
      const r = await renderFresh(leaky.dir, { name: "app", manifests: "manifests" });
      expect(r.objects).toEqual([]);
      expect(r.error).toBe(
        "manifest of release app: manifests/leak.yaml is a symlink that leaves the repository",
      );
    } finally {
      leaky.cleanup();
      outside.cleanup();
    }
  });

  it("refuses a manifests directory that is itself a symlink out of the repository", async () => {
    const outside = tempDir("zakenak-outside-");
    const leaky = tempRepo({});
    try {
      writeFileSync(join(outside.dir, "stolen.yaml"), configMapYaml("stolen"));
      symlinkSync(outside.dir, join(leaky.dir, "manifests"));
      const r = await renderFresh(leaky.dir, { name: "app", manifests: "manifests" });
      expect(r.objects).toEqual([]);
      expect(r.error).toBe("manifests of release app: manifests is a symlink that leaves the repository");
    } finally {
      leaky.cleanup();
      outside.cleanup();
    }
  });
});
