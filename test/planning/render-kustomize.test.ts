import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ReleaseConfig } from "../../src/config/schema.js";
import { kinds, objectOf, renderFresh, specOf, tempDir } from "../support/repo-fixtures.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27.0
`;

let repo: TempRepo;
let markers: ReturnType<typeof tempDir>;

beforeAll(() => {
  markers = tempDir("zakenak-markers-");
  const plugin = `#!/bin/sh\ntouch ${JSON.stringify(join(markers.dir, "PLUGIN-RAN"))}\ncat\n`;
  repo = tempRepo({
    "base/kustomization.yaml": "resources:\n  - deployment.yaml\n  - service.yaml\n",
    "base/deployment.yaml": DEPLOYMENT,
    "base/service.yaml":
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: { app: web }\n  ports: [{ port: 80 }]\n",
    "overlays/prod/kustomization.yaml": `resources:
  - ../../base
namePrefix: prod-
patches:
  - path: replicas.yaml
`,
    "overlays/prod/replicas.yaml":
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n",
    // A KRM exec function: kustomize would run ./plugin.sh only with --enable-alpha-plugins --enable-exec.
    "overlays/exec/kustomization.yaml": "resources:\n  - ../../base\ngenerators:\n  - generator.yaml\n",
    "overlays/exec/generator.yaml": `apiVersion: example.com/v1
kind: Generator
metadata:
  name: gen
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: ./plugin.sh
`,
    "overlays/exec/plugin.sh": plugin,
    // A legacy exec plugin, found through KUSTOMIZE_PLUGIN_HOME when plugins are enabled.
    "overlays/legacy/kustomization.yaml": "generators:\n  - generator.yaml\n",
    "overlays/legacy/generator.yaml": "apiVersion: example.com/v1\nkind: LegacyGen\nmetadata:\n  name: gen\n",
  });
  chmodSync(join(repo.dir, "overlays/exec/plugin.sh"), 0o755);
});
afterAll(() => {
  repo.cleanup();
  markers.cleanup();
});

const overlay = (path: string, name = "web"): ReleaseConfig => ({ name, namespace: "apps", kustomize: path });

describe("kustomize releases (real kubectl kustomize)", () => {
  it("renders an overlay: base resources, the overlay's patch and its namePrefix", async () => {
    const r = await renderFresh(repo.dir, overlay("overlays/prod"));
    expect(r.error).toBeUndefined();
    expect(r.findings).toEqual([]);
    expect(kinds(r.objects)).toEqual(["Deployment/prod-web", "Service/prod-web"]);
    const deployment = objectOf(r.objects, "Deployment", "prod-web");
    expect(specOf(deployment.object).replicas).toBe(4);
    expect(deployment.object.metadata.namespace).toBe("apps");
    expect(deployment.file).toBe("overlays/prod");
    expect(deployment.release).toBe("web");
  });

  it("renders the base on its own", async () => {
    const r = await renderFresh(repo.dir, overlay("base"));
    expect(kinds(r.objects)).toEqual(["Deployment/web", "Service/web"]);
    expect(specOf(objectOf(r.objects, "Deployment", "web").object).replicas).toBe(1);
  });

  it("does not run a KRM exec function: kustomize fails and the plugin leaves no marker", async () => {
    const r = await renderFresh(repo.dir, overlay("overlays/exec"), "prod");
    expect(r.objects).toEqual([]);
    expect(r.error).toMatch(/^release web \(environment prod\): kustomize failed for overlays\/exec: /);
    expect(r.error).toContain("external plugins disabled");
    expect(existsSync(join(markers.dir, "PLUGIN-RAN"))).toBe(false);
  });

  describe("with KUSTOMIZE_PLUGIN_HOME pointing at an exec plugin", () => {
    const before = process.env.KUSTOMIZE_PLUGIN_HOME;
    afterEach(() => {
      if (before === undefined) delete process.env.KUSTOMIZE_PLUGIN_HOME;
      else process.env.KUSTOMIZE_PLUGIN_HOME = before;
    });

    it("does not run the legacy plugin either", async () => {
      const home = join(markers.dir, "plugins");
      const dir = join(home, "example.com/v1/legacygen");
      mkdirSync(dir, { recursive: true });
      const marker = join(markers.dir, "LEGACY-RAN");
      writeFileSync(join(dir, "LegacyGen"), `#!/bin/sh\ntouch ${JSON.stringify(marker)}\n`);
      chmodSync(join(dir, "LegacyGen"), 0o755);
      process.env.KUSTOMIZE_PLUGIN_HOME = home;
      const r = await renderFresh(repo.dir, overlay("overlays/legacy"));
      expect(r.objects).toEqual([]);
      expect(r.error).toContain("external plugins disabled");
      expect(existsSync(marker)).toBe(false);
    });
  });

  it("names a missing overlay directory", async () => {
    const r = await renderFresh(repo.dir, overlay("overlays/nope"));
    expect(r.error).toBe("kustomize overlay of release web: overlays/nope does not exist");
  });
});
