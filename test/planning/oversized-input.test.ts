import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_INPUT_LIMITS, type InputLimits } from "../../src/config/input-limits.js";
import type { ReleaseConfig } from "../../src/config/schema.js";
import { noRenderCache } from "../../src/planning/render/render-cache.js";
import { type ReleaseRender, renderRelease } from "../../src/planning/render/render-release.js";
import { assertDeployable, renderEnvironment } from "../../src/planning/render-environment.js";
import { configMapYaml, tempDir } from "../support/repo-fixtures.js";
import { chartFiles, type TempRepo, tempRepo } from "../support/temp-repo.js";

const KiB = 1024;
const GiB = 1024 * 1024 * 1024;
const NOT_PARSED = "it was not parsed and nothing of it is applied";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function dir(files: Record<string, string> = {}): string {
  const d = tempDir("zakenak-oversized-");
  cleanups.push(d.cleanup);
  write(d.dir, files);
  return d.dir;
}

function repoWith(files: Record<string, string>): TempRepo {
  const r = tempRepo(files);
  cleanups.push(() => r.cleanup());
  return r;
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function render(root: string, release: ReleaseConfig, limits?: InputLimits): Promise<ReleaseRender> {
  return renderRelease(root, release, "dev", {
    cache: noRenderCache,
    inflight: new Map(),
    ...(limits ? { limits } : {}),
  });
}

/** A ConfigMap manifest padded with a comment to exactly `bytes` bytes. */
function paddedConfigMap(name: string, bytes: number): string {
  const text = configMapYaml(name);
  return `${text}#${"x".repeat(bytes - text.length - 2)}\n`;
}

const limits = (more: Partial<InputLimits>): InputLimits => ({ ...DEFAULT_INPUT_LIMITS, ...more });

describe("input refused before parsing", () => {
  it("refuses a manifest file over the file limit by its size alone, without reading it", async () => {
    const root = dir({ "manifests/huge/ok.yaml": configMapYaml("ok") });
    // Sparse: 1 GiB that is never written, and could not be read into one string if it were read.
    writeFileSync(join(root, "manifests/huge/big.yaml"), "");
    truncateSync(join(root, "manifests/huge/big.yaml"), GiB);
    const r = await render(root, { name: "huge", namespace: "apps", manifests: "manifests/huge" });
    expect(r).toEqual({
      objects: [],
      findings: [],
      cached: false,
      error: `release huge: manifests/huge/big.yaml is 1 GiB (${GiB} bytes), over the limit of 8 MiB for a manifest file (ZAKENAK_MAX_FILE_BYTES); ${NOT_PARSED}`,
    });
  });

  it("refuses a release whose files together pass the render limit, and takes them at the limit", async () => {
    const root = dir({
      "manifests/many/a.yaml": paddedConfigMap("a", 4000),
      "manifests/many/b.yaml": paddedConfigMap("b", 4000),
      "manifests/many/c.yaml": paddedConfigMap("c", 4000),
    });
    const release = { name: "many", namespace: "apps", manifests: "manifests/many" };
    const over = await render(root, release, limits({ maxFileBytes: 4000, maxRenderBytes: 11_999 }));
    expect(over.objects).toEqual([]);
    expect(over.error).toBe(
      `release many: manifests/many (3 files) is 11.72 KiB (12000 bytes), over the limit of 11.72 KiB for one release's rendered YAML (ZAKENAK_MAX_RENDER_BYTES); ${NOT_PARSED}`,
    );
    const at = await render(root, release, limits({ maxFileBytes: 4000, maxRenderBytes: 12_000 }));
    expect(at.error).toBeUndefined();
    expect(at.objects).toHaveLength(3);
  });

  it("refuses Helm output past the render limit, and renders the same chart under it", async () => {
    const root = dir({
      ...chartFiles("charts/chatty"),
      "charts/chatty/templates/many.yaml": `{{- range $i := until 2000 }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: many-{{ $i }}
data:
  text: {{ repeat 10 "lorem ipsum " | quote }}
{{- end }}
`,
    });
    const release = { name: "chatty", namespace: "apps", chart: "charts/chatty" };
    const over = await render(root, release, limits({ maxRenderBytes: 64 * KiB }));
    expect(over.objects).toEqual([]);
    expect(over.error).toBe(
      `release chatty (environment dev): the output of helm template for chart charts/chatty passed the limit of 64 KiB for one release's rendered YAML (ZAKENAK_MAX_RENDER_BYTES); ${NOT_PARSED}`,
    );
    const under = await render(root, release);
    expect(under.error).toBeUndefined();
    expect(under.objects.length).toBeGreaterThan(2000);
  });

  it("refuses Kustomize output past the render limit, and builds the same overlay under it", async () => {
    const root = dir({
      "overlay/kustomization.yaml": "resources:\n  - big.yaml\n",
      "overlay/big.yaml": configMapYaml("big", { text: "y".repeat(100 * KiB) }),
    });
    const release = { name: "kust", namespace: "apps", kustomize: "overlay" };
    const over = await render(root, release, limits({ maxRenderBytes: 64 * KiB }));
    expect(over.objects).toEqual([]);
    expect(over.error).toBe(
      `release kust (environment dev): the output of kustomize for overlay passed the limit of 64 KiB for one release's rendered YAML (ZAKENAK_MAX_RENDER_BYTES); ${NOT_PARSED}`,
    );
    const under = await render(root, release);
    expect(under.error).toBeUndefined();
    expect(under.objects).toHaveLength(1);
  });
});

describe("a refused input cannot be applied", () => {
  it("a committed file over the limit, read through git, fails its release and makes the apply gate refuse", async () => {
    const repo = repoWith({
      ".zakenak.yaml":
        "environments:\n  - name: dev\nreleases:\n  - name: big\n    namespace: apps\n    manifests: manifests/big\n  - name: small\n    namespace: apps\n    manifests: manifests/small\n",
      // Invalid YAML: parsed, it would be a yaml-syntax finding; refused unparsed, it is none.
      "manifests/big/broken.yaml": `key: [unclosed\n#${"x".repeat(5000)}\n`,
      "manifests/small/cm.yaml": configMapYaml("small"),
    });
    repo.commit("too big");
    const rendered = await renderEnvironment({
      repoDir: repo.dir,
      ref: "HEAD",
      environment: "dev",
      cache: noRenderCache,
      limits: limits({ maxFileBytes: 4 * KiB }),
    });
    const reason = `release big: manifests/big/broken.yaml is 4.9 KiB (5017 bytes), over the limit of 4 KiB for a manifest file (ZAKENAK_MAX_FILE_BYTES); ${NOT_PARSED}`;
    expect([...rendered.failed]).toEqual([["big", reason]]);
    expect(rendered.findings.filter((f) => f.rule === "yaml-syntax")).toEqual([]);
    expect(() => assertDeployable(rendered)).toThrow(
      `environment dev is not valid, nothing was applied:\n  ${reason}`,
    );
  });

  it("an object the API server would refuse makes the apply gate refuse as well", async () => {
    const root = dir({
      ".zakenak.yaml":
        "environments:\n  - name: dev\nreleases:\n  - name: notes\n    namespace: apps\n    manifests: manifests\n",
      "manifests/cm.yaml": configMapYaml("notes", { text: "z".repeat(1024 * 1024 + 1) }),
    });
    const rendered = await renderEnvironment({ repoDir: root, environment: "dev", cache: noRenderCache });
    expect(rendered.failed.size).toBe(0);
    expect(() => assertDeployable(rendered)).toThrow(
      "manifests/cm.yaml:1: [data-too-large] ConfigMap/apps/notes: ConfigMap data and binaryData hold 1 MiB (1048577 bytes)",
    );
  });
});
