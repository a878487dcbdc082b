import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/model/kube-object.js";
import { validateObjects } from "../../src/validation/validate-objects.js";
import { configMap, deployment, findingsOf, rendered } from "./helpers.js";

describe("duplicate-object", () => {
  it("flags the same group/kind/namespace/name twice, across releases, naming both places", () => {
    const findings = validateObjects([
      rendered(configMap("settings"), "apps/a/cm.yaml", "a"),
      rendered(configMap("settings"), "apps/b/cm.yaml", "b"),
    ]).filter((f) => f.rule === "duplicate-object");
    expect(findings).toEqual([
      {
        rule: "duplicate-object",
        severity: "error",
        file: "apps/b/cm.yaml",
        line: 1,
        object: "ConfigMap/prod/settings",
        message:
          "ConfigMap prod/settings is defined twice: in apps/a/cm.yaml:1 (release a) and in apps/b/cm.yaml:1 (release b)",
      },
    ]);
  });

  it("passes objects differing in namespace, name, kind or group", () => {
    const ingressV1 = {
      apiVersion: "networking.k8s.io/v1",
      kind: "Thing",
      metadata: { name: "x", namespace: "a" },
    };
    const other = { ...ingressV1, apiVersion: "example.com/v1" };
    const objects = [configMap("a", "x"), configMap("a", "y"), configMap("b", "x"), ingressV1, other];
    expect(findingsOf("duplicate-object", ...objects)).toEqual([]);
  });

  it("treats versions of one group as the same object", () => {
    const a = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "n" } };
    const b = { ...a, apiVersion: "example.com/v2" };
    expect(findingsOf("duplicate-object", a, b)).toHaveLength(1);
  });
});

describe("missing-namespace", () => {
  it("flags namespaced built-in kinds without a namespace", () => {
    const [f, ...rest] = findingsOf("missing-namespace", configMap("settings", null));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ rule: "missing-namespace", severity: "error", object: "ConfigMap/settings" });
    expect(f?.message).toBe("ConfigMap is namespaced but has no metadata.namespace");
  });

  it("passes cluster-scoped kinds and namespaced kinds with a namespace", () => {
    const objects: KubeObject[] = [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "prod" } },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "r" }, rules: [] },
      { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "s" }, provisioner: "x" },
      { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "p" }, value: 1 },
      configMap(),
      deployment(),
    ];
    expect(findingsOf("missing-namespace", ...objects)).toEqual([]);
  });

  it("takes custom kinds' scope from CRDs in the render and skips unknown ones", () => {
    const crd = (kind: string, scope: string): KubeObject => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `${kind.toLowerCase()}s.example.com` },
      spec: { group: "example.com", scope, names: { kind, plural: `${kind.toLowerCase()}s` }, versions: [] },
    });
    const cr = (kind: string): KubeObject => ({
      apiVersion: "example.com/v1",
      kind,
      metadata: { name: "x" },
    });
    const findings = findingsOf(
      "missing-namespace",
      crd("Widget", "Namespaced"),
      crd("Gadget", "Cluster"),
      cr("Widget"),
      cr("Gadget"),
      cr("Unknown"),
    );
    expect(findings.map((f) => f.object)).toEqual(["Widget/x"]);
  });
});

describe("rbac-wildcard", () => {
  const role = (rules: unknown[]): KubeObject => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "dev", namespace: "prod" },
    rules,
  });

  it("flags * in verbs, resources or apiGroups", () => {
    const findings = findingsOf(
      "rbac-wildcard",
      role([
        { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
        { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
      ]),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: "rbac-wildcard",
      severity: "warning",
      object: "Role/prod/dev",
    });
    expect(findings[0]?.message).toContain("rules[1].verbs, rules[1].resources, rules[1].apiGroups");
  });

  it("passes explicit rules", () => {
    expect(
      findingsOf(
        "rbac-wildcard",
        role([{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] }]),
      ),
    ).toEqual([]);
  });
});

describe("plain-secret", () => {
  const secret = (extra: Record<string, unknown>): KubeObject => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "db", namespace: "prod" },
    ...extra,
  });

  it("flags data and stringData by key name, never by value", () => {
    const s = secret({ data: { password: "aHVudGVyMg==" }, stringData: { token: "t0ps3cret" } });
    const findings = findingsOf("plain-secret", s);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: "plain-secret", severity: "error", object: "Secret/prod/db" });
    expect(findings[0]?.message).toContain("keys: password, token");
    const all = JSON.stringify(validateObjects([rendered(s)]));
    expect(all).not.toContain("aHVudGVyMg");
    expect(all).not.toContain("t0ps3cret");
  });

  it("passes Secrets without values, such as service-account tokens", () => {
    const token = secret({
      type: "kubernetes.io/service-account-token",
      metadata: {
        name: "sa-token",
        namespace: "prod",
        annotations: { "kubernetes.io/service-account.name": "sa" },
      },
    });
    expect(findingsOf("plain-secret", token, secret({ data: {} }))).toEqual([]);
  });
});
