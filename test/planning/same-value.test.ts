import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/model/kube-object.js";
import { diffObjects, sameValue, toYaml } from "../../src/planning/diff-objects.js";

// sameValue lets diffObjects skip printing unchanged objects; it must never call equal what YAML prints
// differently, and whatever it calls unequal is compared as YAML after all.
describe("sameValue", () => {
  const cases: [string, unknown, unknown][] = [
    ["key order", { a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 }],
    ["a number and its string", { a: 1 }, { a: "1" }],
    ["array order", [1, 2], [2, 1]],
    ["an array and an object", [1], { 0: 1 }],
    ["a missing key and undefined", { a: 1, b: undefined }, { a: 1 }],
    ["null and a missing key", { a: null }, {}],
    ["zero and minus zero", { a: 0 }, { a: -0 }],
    ["NaN", { a: Number.NaN }, { a: Number.NaN }],
    ["an extra key", { a: 1 }, { a: 1, b: 2 }],
    ["nested difference", { a: { b: [1, 2, 3] } }, { a: { b: [1, 2, 4] } }],
    ["true and 'true'", { a: true }, { a: "true" }],
  ];
  it.each(cases)("agrees with YAML on %s", (_name, a, b) => {
    const yamlSays = toYaml(a) === toYaml(b);
    if (sameValue(a, b)) expect(yamlSays).toBe(true);
    expect(sameValue(a, b)).toBe(sameValue(b, a));
  });

  it("calls key-order differences equal and value differences not", () => {
    expect(sameValue({ a: 1, b: [{ x: 1, y: 2 }] }, { b: [{ y: 2, x: 1 }], a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameValue({ a: [1] }, { a: [1, 1] })).toBe(false);
  });

  it("still reports and prints a change that only a deep comparison sees", () => {
    const obj = (data: Record<string, string>): KubeObject => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "apps" },
      data,
    });
    const { changes, unchanged } = diffObjects([obj({ a: "1", b: "2" })], [obj({ b: "2", a: "3" })]);
    expect(unchanged).toBe(0);
    expect(changes[0]?.diff).toContain('-  a: "1"');
    expect(changes[0]?.diff).toContain('+  a: "3"');
  });
});
