import { describe, expect, it } from "vitest";
import { renderJson } from "../../src/reporting/render-json.js";
import { change, environment, plan, release, samplePlan } from "./plan-fixtures.js";

function strings(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string") into.add(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, into);
  else if (value !== null && typeof value === "object")
    for (const item of Object.values(value)) strings(item, into);
  return into;
}

describe("renderJson", () => {
  const input = samplePlan();
  const output = renderJson(input);
  const json = JSON.parse(output);

  it("is pretty-printed JSON with the contract's top-level fields in a stable order", () => {
    expect(output).toContain('\n  "base": "main",\n');
    expect(Object.keys(json)).toEqual(["base", "head", "view", "summary", "environments"]);
    expect(json.summary).toEqual({ create: 1, update: 2, delete: 1, unchanged: 6, errors: 2, warnings: 1 });
    expect(renderJson(samplePlan())).toBe(output);
  });

  it("describes each environment, release, change and finding with the contract's fields", () => {
    const [dev, prod] = json.environments;
    expect(Object.keys(dev)).toEqual(["environment", "valid", "summary", "releases", "findings", "images"]);
    expect(dev.environment).toBe("dev");
    expect(dev.valid).toBe(false);
    expect(dev.summary).toEqual({ create: 1, update: 1, delete: 1, unchanged: 4, errors: 1, warnings: 1 });
    expect(Object.keys(dev.releases[0])).toEqual(["release", "changes"]);
    expect(Object.keys(dev.releases[0].changes[0])).toEqual([
      "action",
      "apiVersion",
      "kind",
      "namespace",
      "name",
      "diff",
    ]);
    expect(dev.releases[0].changes[0]).toMatchObject({
      action: "create",
      kind: "Service",
      namespace: "ai",
      name: "ollama",
    });
    expect(dev.findings[0]).toEqual({
      rule: "no-latest-tag",
      severity: "warning",
      file: "apps/ollama/values.yaml",
      line: 3,
      object: null,
      message: "uses latest",
    });
    expect(prod.releases[1]).toEqual({
      release: "monitoring",
      error: "helm template: chart not found: grafana-9.9.9.tgz",
      changes: [],
    });
  });

  it("writes null for a cluster-scoped object's namespace", () => {
    const scoped = plan([
      environment("dev", [release("rbac", [change({ kind: "ClusterRole", namespace: undefined })])]),
    ]);
    expect(JSON.parse(renderJson(scoped)).environments[0].releases[0].changes[0].namespace).toBeNull();
  });

  it("passes masked diffs through untouched", () => {
    const diff = "--- a\n+++ b\n@@ -1 +1 @@\n-  password: '***'\n+  password: '***' # changed\n";
    const secret = plan([
      environment("dev", [release("db", [change({ kind: "Secret", name: "db", diff })])]),
    ]);
    expect(JSON.parse(renderJson(secret)).environments[0].releases[0].changes[0].diff).toBe(diff);
  });

  it("adds no data beyond the plan: every string in the output is a string of the input", () => {
    const allowed = strings(input);
    for (const value of strings(json)) expect(allowed.has(value), value).toBe(true);
  });
});
