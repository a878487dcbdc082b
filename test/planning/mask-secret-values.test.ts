import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/model/kube-object.js";
import { secretValues } from "../../src/model/secret-values.js";
import { diffObjects } from "../../src/planning/diff-objects.js";
import { maskSecretValues } from "../../src/planning/mask-secret-values.js";
import { b64 } from "../support/repo-fixtures.js";

const SHORT = "Zq~";
const LONG = "copied-S3cret-Value";

function secret(name: string, data: Record<string, string>, stringData: Record<string, string> = {}) {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: "apps" },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
    stringData,
  } satisfies KubeObject;
}

function configMap(data: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "settings", namespace: "apps" },
    data,
    ...extra,
  };
}

function deployment(env: Record<string, string>): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "apps" },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx:1.27.0",
              env: Object.entries(env).map(([name, value]) => ({ name, value })),
            },
          ],
        },
      },
    },
  };
}

describe("secretValues", () => {
  it("collects data decoded and stringData as written, from v1 Secrets only, leaving empty values out", () => {
    const values = secretValues([
      secret("a", { password: LONG, empty: "" }, { pin: SHORT }),
      configMap({ not: "a secret" }),
      undefined,
    ]);
    expect([...values].sort()).toEqual([SHORT, LONG].sort());
  });
});

describe("maskSecretValues", () => {
  const known = secretValues([secret("db", { password: LONG }, { pin: SHORT })]);

  it("masks strings equal to a known value whatever their length, and their base64 form", () => {
    const [, after] = maskSecretValues(
      undefined,
      configMap(
        { pin: SHORT, password: LONG, encoded: b64(LONG), other: "plain" },
        { binaryData: { pin: b64(SHORT) } },
      ),
      known,
    );
    expect(after?.data).toEqual({ pin: "***", password: "***", encoded: "***", other: "plain" });
    expect(after?.binaryData).toEqual({ pin: "***" });
  });

  it("masks only whole values: a value inside a longer string is left to the text redactor", () => {
    const cm = configMap({ sentence: `a ${SHORT} b`, longer: `${SHORT}x` });
    expect(maskSecretValues(undefined, cm, known)[1]).toBe(cm);
  });

  it("reaches values in lists (a container's env) and leaves the inputs alone", () => {
    const dep = deployment({ PIN: SHORT, MODE: "fast" });
    const before = structuredClone(dep);
    const [, after] = maskSecretValues(undefined, dep, known);
    const spec = after?.spec as { template: { spec: { containers: { env: unknown[] }[] } } } | undefined;
    const env = spec?.template.spec.containers[0]?.env;
    expect(env).toEqual([
      { name: "PIN", value: "***" },
      { name: "MODE", value: "fast" },
    ]);
    expect(dep).toEqual(before);
  });

  it("marks a change from one known value to another, so the diff still shows it", () => {
    const [b, a] = maskSecretValues(
      configMap({ v: SHORT, same: LONG }),
      configMap({ v: LONG, same: LONG }),
      known,
    );
    expect(b?.data).toEqual({ v: "*** (before)", same: "***" });
    expect(a?.data).toEqual({ v: "*** (after)", same: "***" });
  });

  it("leaves what names the object, which the change's heading prints anyway", () => {
    const named = secretValues([secret("x", {}, { a: "settings", b: "apps", c: "v1", d: "ConfigMap" })]);
    const cm = configMap({ k: "settings" });
    expect(maskSecretValues(undefined, cm, named)[1]).toEqual({ ...cm, data: { k: "***" } });
  });

  it("returns the very inputs when nothing matches or nothing is known", () => {
    const b = configMap({ a: "1" });
    const a = configMap({ a: "2" });
    const [mb, ma] = maskSecretValues(b, a, known);
    expect(mb).toBe(b);
    expect(ma).toBe(a);
    expect(maskSecretValues(b, configMap({ a: SHORT }), new Set())[1]?.data).toEqual({ a: SHORT });
  });
});

describe("diffObjects with known Secret values", () => {
  it("prints copies of a Secret's values as *** in creates, updates and deletions", () => {
    const s = secret("db", {}, { pin: SHORT, password: LONG });
    const known = secretValues([s]);
    const created = diffObjects([], [configMap({ pin: SHORT }), s], known).changes;
    const updated = diffObjects([configMap({ pin: "old" })], [configMap({ pin: SHORT })], known).changes;
    const deleted = diffObjects([deployment({ PASSWORD: LONG })], [], known).changes;
    const all = [...created, ...updated, ...deleted].map((c) => c.diff).join("\n");
    expect(all).not.toContain(SHORT);
    expect(all).not.toContain(LONG);
    expect(updated[0]?.diff).toContain("-  pin: old");
    expect(updated[0]?.diff).toContain('+  pin: "*** (after)"');
    expect(deleted[0]?.diff).toContain('value: "***"');
  });
});
