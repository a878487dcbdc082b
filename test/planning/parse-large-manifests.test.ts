import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { parseManifests } from "../../src/planning/render/parse-manifests.js";
import { keyName, largeConfigMapYaml, lineOfKey } from "../support/large-config-map.js";

const opts = { release: "big", file: "manifests/big.yaml" };

function parseMs(text: string): number {
  const started = performance.now();
  const parsed = parseManifests(text, opts);
  const ms = performance.now() - started;
  expect(parsed.findings).toEqual([]);
  expect(parsed.objects).toHaveLength(1);
  return ms;
}

describe("parsing a mapping of 100,000 keys", () => {
  it("finds repeated keys at the start, middle and end, each at its line", () => {
    const at = [1, 50_000, 99_999];
    const parsed = parseManifests(largeConfigMapYaml(100_000, at), opts);
    expect(parsed.objects).toEqual([]);
    expect(parsed.findings).toEqual(
      at.map((i) => ({
        rule: "yaml-syntax",
        severity: "error",
        file: "manifests/big.yaml",
        line: lineOfKey(i),
        message: `invalid YAML: Map keys must be unique: "${keyName(0)}" is repeated (first at line ${lineOfKey(0)})`,
      })),
    );
  });

  it("takes time linear in the keys: 100,000 keys cost about ten times 10,000", () => {
    const small = largeConfigMapYaml(10_000);
    const large = largeConfigMapYaml(100_000);
    parseMs(small); // warms the parser's code up, so the first measurement is not mostly compilation
    const smallMs = Math.min(parseMs(small), parseMs(small), parseMs(small));
    const largeMs = Math.min(parseMs(large), parseMs(large));
    // Linear parsing gives about 1 (garbage collection adds some); the quadratic check gave about 10.
    expect(largeMs / (smallMs * 10), `10,000 keys ${smallMs} ms; 100,000 keys ${largeMs} ms`).toBeLessThan(3);
  });

  it("reports more than 20 repeats in one document as 20 findings and a count of the rest", () => {
    const at = Array.from({ length: 25 }, (_, i) => 1000 + i);
    const parsed = parseManifests(largeConfigMapYaml(2000, at), opts);
    expect(parsed.findings).toHaveLength(21);
    expect(parsed.findings[19]?.line).toBe(lineOfKey(1019));
    expect(parsed.findings[20]?.message).toBe("invalid YAML: 5 more repeated keys in this document");
  });
});
