import { describe, expect, it } from "vitest";
import { RULES } from "../../src/validation/rules.js";
import { validateObjects } from "../../src/validation/validate-objects.js";
import { deployment, rendered } from "./helpers.js";

const latest = () => [rendered(deployment({ container: { image: "nginx:latest" } }))];

describe("rule overrides", () => {
  it("reports a rule at its default severity without overrides", () => {
    const findings = validateObjects(latest());
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([["image-latest-tag", "warning"]]);
  });

  it('drops a rule set to "off"', () => {
    expect(validateObjects(latest(), { rules: { "image-latest-tag": "off" } })).toEqual([]);
  });

  it("replaces the severity of a rule", () => {
    const findings = validateObjects(latest(), { rules: { "image-latest-tag": "error", schema: "info" } });
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([["image-latest-tag", "error"]]);
  });

  it("can silence unknown kinds without turning schema validation off", () => {
    const widget = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "n" } };
    const bad = deployment();
    (bad.spec as Record<string, unknown>).replica = 1;
    const findings = validateObjects([rendered(widget), rendered(bad)], { rules: { "unknown-kind": "off" } });
    expect(findings.map((f) => f.rule)).toEqual(["schema"]);
    expect(validateObjects([rendered(bad)], { rules: { schema: "off" } })).toEqual([]);
  });

  it("turns off cross-object rules too", () => {
    const twice = [rendered(deployment()), rendered(deployment())];
    expect(validateObjects(twice).map((f) => f.rule)).toEqual(["duplicate-object"]);
    expect(validateObjects(twice, { rules: { "duplicate-object": "off" } })).toEqual([]);
  });
});

describe("RULES", () => {
  it("lists every rule once, with kebab-case ids and a description", () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([
      "schema",
      "unknown-kind",
      "duplicate-object",
      "missing-namespace",
      "privileged-container",
      "host-path-volume",
      "image-latest-tag",
      "missing-resource-limits",
      "rbac-wildcard",
      "gpu-limits",
      "gpu-scheduling",
      "plain-secret",
      "data-too-large",
      "annotations-too-large",
      "object-too-large",
      "secret-in-change",
      "image-missing",
      "image-registry-auth",
      "image-registry-credentials",
      "image-registry-unreachable",
      "image-pull-secret",
      "image-vulnerabilities",
      "image-unsigned",
      "image-not-scanned",
    ]);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(["error", "warning", "info"]).toContain(r.defaultSeverity);
      expect(r.description.length).toBeGreaterThan(10);
    }
  });
});
