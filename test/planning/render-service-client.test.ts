import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeRenderService, helmRenderer } from "../../src/planning/render/helm-renderer.js";
import { type HelmInput, renderHelm } from "../../src/planning/render/render-helm.js";
import { RenderServiceClient } from "../../src/planning/render/render-service-client.js";
import { renderServicePath } from "../../src/planning/render/render-service-path.js";
import { chartFiles, type TempRepo, tempRepo } from "../support/temp-repo.js";

const REPO = resolve(import.meta.dirname, "../..");
let binary: string;
let repo: TempRepo;

beforeAll(() => {
  const built = renderServicePath();
  if (!built) throw new Error("the render service is not built: run scripts/build-render-service.sh");
  binary = built;
  repo = tempRepo({
    ...chartFiles("charts/broken", "broken"),
    "charts/broken/templates/broken.yaml":
      'kind: ConfigMap\ndata:\n  x: {{ required "x is required" .Values.x }}\n',
  });
});
afterAll(async () => {
  await closeRenderService();
  repo?.cleanup();
});

const saved = { ...process.env };
afterEach(() => {
  for (const k of ["ZAKENAK_HELM_RENDERER", "ZAKENAK_RENDER_SERVICE", "ZAKENAK_HELM"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const ollama = (release = "ollama"): HelmInput => ({
  release,
  namespace: "ai",
  chartPath: "helm-charts/ollama",
  chartDir: join(REPO, "helm-charts/ollama"),
  valuesFiles: [join(REPO, "helm-charts/ollama/values-dev.yaml")],
  environment: "dev",
});

async function renderWith(renderer: "service" | "binary", input: HelmInput) {
  process.env.ZAKENAK_HELM_RENDERER = renderer;
  try {
    return await renderHelm(input);
  } catch (error) {
    return { error: String(error) };
  }
}

describe("rendering through the render service", () => {
  it("gives renderHelm the same objects and the same errors as the helm binary", async () => {
    const [service, helm] = [await renderWith("service", ollama()), await renderWith("binary", ollama())];
    expect(service).toEqual(helm);
    expect(JSON.stringify(service)).toContain("Deployment");
    const broken: HelmInput = {
      ...ollama("b"),
      chartPath: "charts/broken",
      chartDir: join(repo.dir, "charts/broken"),
    };
    const [serviceError, helmError] = [
      await renderWith("service", broken),
      await renderWith("binary", broken),
    ];
    expect(serviceError).toEqual(helmError);
    expect(String((serviceError as { error: string }).error)).toMatch(
      /release b \(environment dev\): helm template failed for chart charts\/broken: .*broken\/templates\/broken\.yaml:3:\d+.*x is required/,
    );
  });

  it("uses one service process for every render, answering concurrent requests by id", async () => {
    process.env.ZAKENAK_HELM_RENDERER = "service";
    const renderer = helmRenderer();
    if (renderer.kind !== "service") throw new Error(`expected the service, got ${renderer.kind}`);
    const names = Array.from({ length: 24 }, (_, i) => `r${i}`);
    const results = await Promise.all(names.map((n) => renderHelm(ollama(n))));
    const pid = renderer.client.pid;
    expect(pid).toBeGreaterThan(0);
    results.forEach((r, i) => {
      expect(r.objects.map((o) => o.object.metadata?.name)).toContain(`${names[i]}-ollama`);
    });
    await renderHelm(ollama());
    expect(renderer.client.pid).toBe(pid);
  });

  it("fails the renders in flight when the service dies, and starts a new one for the next", async () => {
    const client = new RenderServiceClient(binary);
    try {
      const request = { releaseName: "x", chartDir: join(REPO, "helm-charts/ollama"), valuesFiles: [] };
      await client.render(request);
      const first = client.pid;
      const inFlight = client.render(request);
      process.kill(first ?? 0, "SIGKILL");
      await expect(inFlight).rejects.toThrow(/render service .* exited \(SIGKILL\)/);
      const again = await client.render(request);
      expect(again).toHaveProperty("manifest");
      expect(client.pid).not.toBe(first);
    } finally {
      await client.close();
    }
    expect(client.pid).toBeUndefined();
  });

  it("falls back to the helm binary when the service is not built, unless the service is forced", () => {
    const dir = mkdtempSync(join(tmpdir(), "zakenak-no-service-"));
    try {
      const absent = { ...process.env, ZAKENAK_RENDER_SERVICE: join(dir, "render-service") };
      expect(helmRenderer({ ...absent, ZAKENAK_HELM_RENDERER: "" }).kind).toBe("binary");
      expect(() => helmRenderer({ ...absent, ZAKENAK_HELM_RENDERER: "service" })).toThrow(
        /ZAKENAK_HELM_RENDERER=service, but the render service is not built/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(helmRenderer({ ZAKENAK_RENDER_SERVICE: binary }).kind).toBe("service");
    expect(helmRenderer({ ZAKENAK_RENDER_SERVICE: binary, ZAKENAK_HELM_RENDERER: "binary" }).kind).toBe(
      "binary",
    );
    // A helm binary named explicitly renders, unless the service is forced.
    expect(helmRenderer({ ZAKENAK_RENDER_SERVICE: binary, ZAKENAK_HELM: "/usr/bin/helm" }).kind).toBe(
      "binary",
    );
    expect(() => helmRenderer({ ZAKENAK_HELM_RENDERER: "fast" })).toThrow(
      /ZAKENAK_HELM_RENDERER=fast: must be/,
    );
  });
});
