import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ReleaseConfig } from "../../src/config/schema.js";
import { diskRenderCache, type RenderCache } from "../../src/planning/render/render-cache.js";
import { renderFresh, tempDir } from "../support/repo-fixtures.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";

const configMap = (value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: ${value}\n`;

const release: ReleaseConfig = { name: "platform", namespace: "shop", manifests: "manifests" };

let scratch: ReturnType<typeof tempDir>;
let repo: TempRepo;
let cache: RenderCache;

beforeEach(() => {
  scratch = tempDir("zakenak-manifests-cache-");
  repo = tempRepo({
    "manifests/a/settings.yaml": configMap("blue"),
    "manifests/b/pod.yaml":
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:latest\n",
  });
  cache = diskRenderCache(join(scratch.dir, "renders"));
});
afterEach(() => {
  repo.cleanup();
  scratch.cleanup();
});

describe("plain manifests and the render cache", () => {
  it("reuses the parse and its findings when the files are unchanged, and reads again when one changes", async () => {
    const first = await renderFresh(repo.dir, release, "dev", cache);
    expect(first.cached).toBe(false);
    expect(
      first.objects.map((o) => `${o.object.kind}/${o.object.metadata.namespace}/${o.object.metadata.name}`),
    ).toEqual(["ConfigMap/shop/settings", "Pod/shop/p"]);

    const again = await renderFresh(repo.dir, release, "dev", cache);
    expect(again.cached).toBe(true);
    expect(again.objects).toEqual(first.objects);
    expect(again.findings).toEqual(first.findings);

    repo.write({ "manifests/a/settings.yaml": configMap("green") });
    const changed = await renderFresh(repo.dir, release, "dev", cache);
    expect(changed.cached).toBe(false);
    expect(changed.objects[0]?.object.data).toEqual({ color: "green" });
  });
});
