import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/model/kube-object.js";
import { objectSize } from "../../src/validation/rules/object-size.js";
import { checkFingerprint, validateObjects } from "../../src/validation/validate-objects.js";
import { configMap, findingsOf, rendered } from "./helpers.js";

const MiB = 1024 * 1024;
const KiB = 1024;

function b64(bytes: number): string {
  return Buffer.alloc(bytes, 7).toString("base64");
}

function secret(data: Record<string, string>, stringData?: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "creds", namespace: "prod" },
    type: "Opaque",
    data,
    ...(stringData ? { stringData } : {}),
  };
}

function withData(data: Record<string, string>, binaryData?: Record<string, string>): KubeObject {
  return { ...configMap("big"), data, ...(binaryData ? { binaryData } : {}) };
}

describe("data-too-large", () => {
  it("flags a ConfigMap whose data and binaryData values hold more than 1 MiB, naming object, file and size", () => {
    const object = withData({ a: "x".repeat(MiB - 10) }, { b: b64(11) });
    const findings = validateObjects([rendered(object, "apps/big/cm.yaml")]).filter(
      (f) => f.rule === "data-too-large",
    );
    expect(findings).toEqual([
      {
        rule: "data-too-large",
        severity: "error",
        file: "apps/big/cm.yaml",
        line: 1,
        object: "ConfigMap/prod/big",
        message:
          "ConfigMap data and binaryData hold 1 MiB (1048577 bytes), over the 1 MiB (1048576 bytes) the API server accepts",
      },
    ]);
  });

  it("passes a ConfigMap of exactly 1 MiB of values, however long its keys", () => {
    const object = withData({ ["k".repeat(200)]: "x".repeat(MiB - 100) }, { bin: b64(100) });
    expect(findingsOf("data-too-large", object)).toEqual([]);
  });

  it("counts a Secret's data decoded and lets stringData replace the same key, as the API server merges them", () => {
    const over = secret({ a: b64(MiB / 2), b: b64(MiB / 2) }, { c: "x" });
    expect(findingsOf("data-too-large", over)[0]?.message).toBe(
      "Secret data and stringData hold 1 MiB (1048577 bytes), over the 1 MiB (1048576 bytes) the API server accepts",
    );
    // The base64 text is a third larger than 1 MiB, the decoded bytes are not; "b" is replaced by 1 byte.
    const replaced = secret({ a: b64(MiB / 2), b: b64(MiB / 2) }, { b: "x", c: "x" });
    expect(findingsOf("data-too-large", replaced)).toEqual([]);
  });
});

describe("annotations-too-large", () => {
  const annotated = (bytes: number): KubeObject => ({
    ...configMap("notes"),
    metadata: { name: "notes", namespace: "prod", annotations: { note: "x".repeat(bytes - 4) } },
  });

  it("flags annotations over 256 KiB, keys and values together", () => {
    const [f, ...rest] = findingsOf("annotations-too-large", annotated(256 * KiB + 1));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      severity: "error",
      object: "ConfigMap/prod/notes",
      file: "apps/web/deployment.yaml",
    });
    expect(f?.message).toBe(
      "metadata.annotations hold 256 KiB (262145 bytes) in keys and values, over the 256 KiB (262144 bytes) the API server accepts",
    );
  });

  it("passes annotations of exactly 256 KiB", () => {
    expect(findingsOf("annotations-too-large", annotated(256 * KiB))).toEqual([]);
  });
});

describe("object-too-large", () => {
  const custom = (bytes: number): KubeObject => ({
    apiVersion: "example.com/v1",
    kind: "Blob",
    metadata: { name: "b", namespace: "prod" },
    spec: { payload: "x".repeat(bytes) },
  });

  it("flags any object whose JSON form exceeds 1.5 MiB, custom kinds included", () => {
    const [f] = findingsOf("object-too-large", custom(1.5 * MiB));
    expect(f).toMatchObject({ severity: "error", object: "Blob/prod/b" });
    expect(f?.message).toMatch(
      /^the object is 1\.5 MiB \(\d+ bytes\) serialized, over the 1\.5 MiB \(1572864 bytes\) the cluster stores in one object \(etcd's request limit; ZAKENAK_MAX_OBJECT_BYTES sets it for other clusters\)$/,
    );
  });

  it("passes an object just under the limit", () => {
    const item = custom(1.5 * MiB - 200);
    expect(JSON.stringify(item).length).toBeLessThanOrEqual(1.5 * MiB);
    expect(findingsOf("object-too-large", item)).toEqual([]);
  });

  it("follows the limit it is given, for clusters whose etcd takes more or less", () => {
    const item = rendered(custom(2 * MiB));
    expect(objectSize(item, { maxObjectBytes: 3 * MiB })).toEqual([]);
    expect(objectSize(item, { maxObjectBytes: 1024 })[0]?.message).toContain("over the 1 KiB (1024 bytes)");
    const rules = { "unknown-kind": "off" as const };
    expect(validateObjects([item], { rules, maxObjectBytes: 3 * MiB })).toEqual([]);
    // Cached per-object findings are keyed by the limit, so a changed limit is checked again.
    expect(checkFingerprint({ maxObjectBytes: 3 * MiB })).not.toBe(checkFingerprint({}));
  });

  it("can be switched off or made a warning like any rule", () => {
    const item = rendered(custom(2 * MiB));
    const sized = (rule: "off" | "warning") =>
      validateObjects([item], { rules: { "object-too-large": rule } }).filter(
        (f) => f.rule === "object-too-large",
      );
    expect(sized("off")).toEqual([]);
    expect(sized("warning")).toMatchObject([{ severity: "warning" }]);
  });
});
