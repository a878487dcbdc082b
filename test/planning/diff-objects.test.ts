import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/model/kube-object.js";
import { diffObjects } from "../../src/planning/diff-objects.js";
import { maskSecret, maskSecretPair } from "../../src/planning/mask-secrets.js";
import { createRedactor } from "../../src/planning/secret-redactor.js";
import { b64 } from "../support/repo-fixtures.js";

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

function configMap(name: string, data: Record<string, string>, namespace = "apps"): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data };
}

function secret(data: Record<string, string>, stringData?: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "db", namespace: "apps" },
    type: "Opaque",
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
    ...(stringData ? { stringData } : {}),
  };
}

describe("diffObjects", () => {
  it("sees no change when only key order differs, at any depth", () => {
    const a: KubeObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "apps", labels: { a: "1", b: "2" } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: "c", image: "x:1" }] } } },
    };
    const b: KubeObject = {
      spec: { template: { spec: { containers: [{ image: "x:1", name: "c" }] } }, replicas: 2 },
      metadata: { labels: { b: "2", a: "1" }, namespace: "apps", name: "web" },
      kind: "Deployment",
      apiVersion: "apps/v1",
    };
    expect(diffObjects([a], [b])).toEqual({ changes: [], unchanged: 1 });
  });

  it("reports create, update and delete with apiVersion, kind, namespace and name", () => {
    const clusterRole: KubeObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "r" },
    };
    const { changes, unchanged } = diffObjects(
      [configMap("kept", { k: "v" }), configMap("changed", { k: "old" }), clusterRole],
      [
        configMap("kept", { k: "v" }),
        configMap("changed", { k: "new" }),
        configMap("added", { k: "v" }, "other"),
      ],
    );
    expect(unchanged).toBe(1);
    expect(changes.map(({ diff: _d, ...c }) => c)).toEqual([
      { action: "update", apiVersion: "v1", kind: "ConfigMap", namespace: "apps", name: "changed" },
      { action: "create", apiVersion: "v1", kind: "ConfigMap", namespace: "other", name: "added" },
      { action: "delete", apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: "r" },
    ]);
    const [update, create, del] = changes.map((c) => c.diff.split("\n"));
    expect(update).toContain("-  k: old");
    expect(update).toContain("+  k: new");
    expect(update).toContain(" apiVersion: v1");
    expect(create?.[0]).toMatch(/^@@ -1,0 \+1,\d+ @@$/);
    expect(create?.slice(1).every((l) => l.startsWith("+"))).toBe(true);
    expect(del?.slice(1).every((l) => l.startsWith("-"))).toBe(true);
    expect(del).toContain("-kind: ClusterRole");
  });

  it("matches objects across API versions of one group", () => {
    const v1: KubeObject = {
      apiVersion: "example.com/v1",
      kind: "W",
      metadata: { name: "w", namespace: "n" },
    };
    const v2: KubeObject = { ...v1, apiVersion: "example.com/v2" };
    const { changes } = diffObjects([v1], [v2]);
    expect(changes.map((c) => [c.action, c.apiVersion])).toEqual([["update", "example.com/v2"]]);
  });
});

describe("Secret masking in diffs", () => {
  const before = secret({ password: "old-pass-1234", user: "admin-user" }, { token: "tok-before-5678" });
  const after = secret({ password: "new-pass-9876", user: "admin-user" }, { token: "tok-after-4321" });
  const { changes } = diffObjects([before], [after]);
  const diff = changes.map((c) => c.diff).join("\n");
  const forbidden = ["old-pass-1234", "new-pass-9876", "admin-user", "tok-before-5678", "tok-after-4321"];

  it("marks changed data and stringData values *** (before) / *** (after), unchanged ones ***", () => {
    expect(changes).toHaveLength(1);
    expect(changes[0]?.action).toBe("update");
    const lines = diff.split("\n");
    expect(lines).toContain('-  password: "*** (before)"');
    expect(lines).toContain('+  password: "*** (after)"');
    expect(lines).toContain('-  token: "*** (before)"');
    expect(lines).toContain('+  token: "*** (after)"');
    expect(lines).toContain('   user: "***"');
  });

  it("never prints a value, base64 or decoded", () => {
    for (const v of forbidden) {
      expect(diff).not.toContain(v);
      expect(diff).not.toContain(b64(v));
    }
  });

  it("masks created and deleted Secrets whole, and leaves its inputs alone", () => {
    const created = diffObjects([], [after]).changes[0]?.diff ?? "";
    const deleted = diffObjects([before], []).changes[0]?.diff ?? "";
    for (const v of forbidden) {
      expect(created).not.toContain(b64(v));
      expect(created).not.toContain(v);
      expect(deleted).not.toContain(b64(v));
      expect(deleted).not.toContain(v);
    }
    expect(created).toContain('+  password: "***"');
    expect(deleted).toContain('-  password: "***"');
    expect((after.data as Record<string, string>).password).toBe(b64("new-pass-9876"));
  });

  it("masks kubectl's last-applied annotation, which holds a copy of the values", () => {
    const applied = (s: KubeObject): KubeObject => ({
      ...s,
      metadata: { ...s.metadata, annotations: { [LAST_APPLIED]: JSON.stringify(s), team: "db" } },
    });
    const masked = maskSecret(applied(after));
    expect(masked.metadata.annotations).toEqual({ [LAST_APPLIED]: "***", team: "db" });
    const text = diffObjects([applied(before)], [applied(after)]).changes[0]?.diff ?? "";
    for (const v of forbidden) {
      expect(text).not.toContain(v);
      expect(text).not.toContain(b64(v));
    }
    const [b, a] = maskSecretPair(applied(before), applied(after));
    expect(b?.metadata.annotations?.[LAST_APPLIED]).toBe("***");
    expect(a?.metadata.annotations?.[LAST_APPLIED]).toBe("***");
  });

  it("reports an unchanged Secret as unchanged", () => {
    expect(diffObjects([before], [structuredClone(before)])).toEqual({ changes: [], unchanged: 1 });
  });

  it("passes non-Secrets through untouched", () => {
    const cm = configMap("c", { password: "visible" });
    expect(maskSecretPair(cm, cm)).toEqual([cm, cm]);
  });
});

describe("createRedactor", () => {
  it("removes plain, base64 and decoded Secret values from an arbitrary text", () => {
    const redact = createRedactor([
      configMap("not-secret", { greeting: "hello-world" }),
      secret({ password: "p4ssw0rd-value" }, { token: "string-data-token" }),
    ]);
    const text = `helm failed: password=p4ssw0rd-value (${b64("p4ssw0rd-value")}) token string-data-token; hello-world`;
    expect(redact(text)).toBe("helm failed: password=*** (***) token ***; hello-world");
  });

  it("replaces a value that contains another one whole, and ignores very short values", () => {
    const redact = createRedactor([secret({ a: "abc", long: "secret-value-long", part: "secret-value" })]);
    expect(redact("x secret-value-long y secret-value z abc")).toBe("x *** y *** z abc");
  });

  it("redacts each line of a multi-line value", () => {
    const redact = createRedactor([
      secret({ key: "-----BEGIN KEY-----\nMIIBOgIBAAJBAK\n-----END KEY-----" }),
    ]);
    expect(redact("error near MIIBOgIBAAJBAK in file")).toBe("error near *** in file");
  });

  it("is the identity without Secrets", () => {
    const redact = createRedactor([configMap("c", { k: "some-value" })]);
    expect(redact("some-value")).toBe("some-value");
  });
});
