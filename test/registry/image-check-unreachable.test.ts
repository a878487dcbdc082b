import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts } from "../../src/control-plane/free-ports.js";
import { checkImages } from "../../src/image-check/check-images.js";
import type { RenderedObject } from "../../src/model/kube-object.js";
import { createImageResolver } from "../../src/registry/image-resolver.js";
import type { RuleOverrides } from "../../src/validation/validate-objects.js";
import { type BlackHole, blackHole } from "./black-hole.js";
import { workload } from "./image-objects.js";

function check(objects: RenderedObject[], hosts: string[], timeoutMs: number, rules: RuleOverrides = {}) {
  const registries = hosts.map((host) => ({ host, plainHttp: true }));
  return checkImages(objects, "dev", createImageResolver({ registries, timeoutMs, concurrency: 8 }), rules);
}

describe("image checks against registries that cannot be reached", () => {
  let hole: BlackHole;
  beforeAll(async () => {
    hole = await blackHole();
  });
  afterAll(() => hole?.close());

  it("warns once per silent registry within the time limit, however many images it holds", async () => {
    const images = [`${hole.host}/team/a:1.0`, `${hole.host}/team/b:1.0`, `${hole.host}/team/c:2.0`];
    const objects = [workload("web", images.slice(0, 2)), workload("api", images.slice(2))];
    const started = Date.now();
    const result = await check(objects, [hole.host], 400);
    const elapsed = Date.now() - started;
    // Lookups run concurrently and share one deadline each, so the whole check costs about one timeout.
    expect(elapsed).toBeLessThan(2_000);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      rule: "image-registry-unreachable",
      severity: "warning",
      object: "Deployment/apps/web",
    });
    expect(result.findings[0]?.message).toContain(`registry ${hole.host} could not be checked`);
    expect(result.findings[0]?.message).toContain(`no answer from ${hole.host} in time`);
    for (const image of images) expect(result.findings[0]?.message).toContain(image);
    expect(result.images.map((i) => i.status)).toEqual(["unreachable", "unreachable", "unreachable"]);
  });

  it("warns at once for a refused connection and a host that does not resolve", async () => {
    const [port] = await freePorts(1);
    const closed = `127.0.0.1:${port}/team/app:1.0`;
    const started = Date.now();
    const result = await check(
      [workload("web", [closed, "registry.invalid/team/app:1.0"])],
      [`127.0.0.1:${port}`],
      5_000,
    );
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(result.findings.map((f) => f.rule)).toEqual([
      "image-registry-unreachable",
      "image-registry-unreachable",
    ]);
    expect(result.findings[0]?.message).toContain("ECONNREFUSED");
    expect(result.findings[1]?.message).toContain("registry registry.invalid could not be checked");
  });

  it("takes the severity policy.rules gives, and makes no request when every image rule is off", async () => {
    const image = `${hole.host}/team/app:3.0`;
    const strict = await check([workload("web", [image])], [hole.host], 200, {
      "image-registry-unreachable": "error",
    });
    expect(strict.findings[0]).toMatchObject({ rule: "image-registry-unreachable", severity: "error" });

    const before = hole.connections();
    const off = Object.fromEntries(
      [
        "image-missing",
        "image-registry-auth",
        "image-registry-credentials",
        "image-registry-unreachable",
        "image-pull-secret",
        "image-vulnerabilities",
        "image-unsigned",
        "image-not-scanned",
      ].map((id) => [id, "off" as const]),
    );
    const none = await check([workload("web", [`${hole.host}/team/other:1.0`])], [hole.host], 200, off);
    expect(none).toEqual({ findings: [], images: [] });
    expect(hole.connections()).toBe(before);
  });

  it("reports a malformed reference as a missing image without asking any registry", async () => {
    const before = hole.connections();
    const result = await check([workload("web", [`${hole.host}/Team/App:1.0`])], [hole.host], 200);
    expect(result.findings).toEqual([
      expect.objectContaining({ rule: "image-missing", severity: "error", object: "Deployment/apps/web" }),
    ]);
    expect(result.findings[0]?.message).toContain("it is not a valid reference");
    expect(result.images[0]).toMatchObject({ status: "invalid", digest: null });
    expect(hole.connections()).toBe(before);
  });
});
