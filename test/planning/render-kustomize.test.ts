import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ReleaseConfig } from "../../src/config/schema.js";
import { diskRenderCache, noRenderCache, type RenderCache } from "../../src/planning/render/render-cache.js";
import { renderRelease } from "../../src/planning/render/render-release.js";
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

describe("kustomize remote bases", () => {
  let server: Server;
  let origin: string;
  /** Every request the local server received: the fetches kustomize attempted. */
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? "");
      res.end("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fetched\ndata:\n  from: remote\n");
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    repo.write({
      "overlays/remote/kustomization.yaml": `resources:\n  - ../../base\n  - ${origin}/team/configmap.yaml\n`,
      // The remote reference is one local base down: the overlay itself names none.
      "remote-base/kustomization.yaml": `resources:\n  - ${origin}/org/repo//base?ref=v1\n`,
      "overlays/nested/kustomization.yaml": "resources:\n  - ../../base\n  - ../../remote-base\n",
      "overlays/escape/kustomization.yaml": `resources:\n  - ${origin}/team/../other/configmap.yaml\n  - ${origin}/team/%2e%2e/other/configmap.yaml\n`,
      "overlays/forms/kustomization.yaml": `resources:
  - ../../base
  - git@${origin.slice(7)}:org/repo.git
  - git::${origin}/org/repo.git
  - ssh://git@127.0.0.1/org/repo
  - github.com/org/repo//deploy?ref=v1
components:
  - 127.0.0.1.nip.test/org/repo//component?ref=main
patches:
  - path: ${origin}/patch.yaml
openapi:
  path: ${origin}/openapi.json
`,
    });
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  beforeEach(() => {
    requests.length = 0;
  });

  const render = (path: string, remoteBases?: string[], cache: RenderCache = noRenderCache) =>
    renderRelease(repo.dir, overlay(path), "prod", {
      cache,
      inflight: new Map(),
      ...(remoteBases ? { remoteBases } : {}),
    });

  it("refuses a remote resource by default, naming the file, the reference and the setting, without fetching it", async () => {
    const r = await render("overlays/remote");
    expect(r.objects).toEqual([]);
    expect(r.error).toBe(
      `release web (environment prod): remote kustomize bases are not fetched: overlays/remote/kustomization.yaml references ${origin}/team/configmap.yaml. ` +
        "Copy the base into the repository, or have the operator permit its URL prefix in the server configuration (kustomize.remoteBases)",
    );
    expect(requests).toEqual([]);
  });

  it("lets a reference under a permitted prefix through to kubectl, and refuses it under another prefix", async () => {
    const permitted = await render("overlays/remote", [`${origin}/team/`]);
    expect(requests).toEqual(["/team/configmap.yaml"]);
    expect(permitted.error).toBeUndefined();
    expect(kinds(permitted.objects)).toEqual(["ConfigMap/fetched", "Deployment/web", "Service/web"]);

    requests.length = 0;
    const other = await render("overlays/remote", [`${origin}/other/`]);
    expect(other.error).toContain(`references ${origin}/team/configmap.yaml`);
    expect(requests).toEqual([]);
  });

  it("refuses a reference that climbs out of a permitted prefix with dot segments", async () => {
    const r = await render("overlays/escape", [`${origin}/team/`]);
    expect(r.error).toContain(`references ${origin}/team/../other/configmap.yaml; `);
    expect(r.error).toContain(`references ${origin}/team/%2e%2e/other/configmap.yaml.`);
    expect(requests).toEqual([]);
  });

  it("never serves a permitted render from the cache to a caller without the permission", async () => {
    const dir = tempDir("zakenak-remote-cache-");
    try {
      const cache = diskRenderCache(dir.dir);
      expect((await render("overlays/remote", [`${origin}/`], cache)).error).toBeUndefined();
      expect(requests).toHaveLength(1);
      const refused = await render("overlays/remote", undefined, cache);
      expect(refused.objects).toEqual([]);
      expect(refused.error).toContain("remote kustomize bases are not fetched");
      expect(requests).toHaveLength(1);
    } finally {
      dir.cleanup();
    }
  });

  it("refuses a remote reference inside a local base the overlay uses", async () => {
    const r = await render("overlays/nested");
    expect(r.error).toContain(
      `remote kustomize bases are not fetched: remote-base/kustomization.yaml references ${origin}/org/repo//base?ref=v1.`,
    );
    expect(requests).toEqual([]);
  });

  it("refuses every form kustomize fetches: scp-like and git:: clones, ssh, host paths, patch and openapi URLs", async () => {
    const r = await render("overlays/forms");
    const file = "overlays/forms/kustomization.yaml references";
    for (const ref of [
      `git@${origin.slice(7)}:org/repo.git`,
      `git::${origin}/org/repo.git`,
      "ssh://git@127.0.0.1/org/repo",
      "github.com/org/repo//deploy?ref=v1",
      "127.0.0.1.nip.test/org/repo//component?ref=main",
      `${origin}/patch.yaml`,
      `${origin}/openapi.json`,
    ]) {
      expect(r.error).toContain(`${file} ${ref}`);
    }
    expect(requests).toEqual([]);
  });
});
