import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { printPlainYaml } from "../../src/planning/print-yaml.js";

// The fast printer must print exactly what the yaml library prints for a diff, or leave it to it.

const LIBRARY = { sortMapEntries: true, lineWidth: 0 } as const;

const DEPLOYMENT = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "web",
    namespace: "apps",
    labels: { "app.kubernetes.io/name": "web", tier: "front end" },
  },
  spec: {
    replicas: 3,
    paused: false,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" }, annotations: {} },
      spec: {
        containers: [
          {
            name: "web",
            image: "nginx:1.27.0",
            args: ["--port=8080", "-v"],
            ports: [{ containerPort: 8080, name: "http", protocol: "TCP" }],
            resources: { limits: { cpu: "500m", memory: "128Mi" }, requests: {} },
            env: [],
          },
          {},
        ],
        nodeSelector: null,
      },
    },
  },
};

describe("the fast YAML printer", () => {
  it("prints a Deployment exactly as the yaml library does", () => {
    expect(printPlainYaml(DEPLOYMENT)).toBe(stringify(DEPLOYMENT, LIBRARY));
  });

  it("leaves to the library what needs quotes, other numbers or nested sequences", () => {
    for (const data of [
      { a: "true" },
      { a: "1.5" },
      { a: "0x1F" },
      { a: "" },
      { a: "x: y" },
      { a: "line\nbreak" },
      { a: "- x" },
      { a: 1.5 },
      { a: -0 },
      { a: [["x"]] },
      { "": 1 },
      ["not a mapping"],
    ]) {
      expect(printPlainYaml(data)).toBeUndefined();
    }
  });

  it("prints any data exactly as the yaml library does, or leaves it to it", () => {
    const text = fc.oneof(
      fc.stringMatching(/^[a-zA-Z0-9 ./:@=+_-]{0,12}$/),
      fc.constantFrom(
        "true",
        "null",
        "~",
        "012",
        "1.27.0",
        "1e3",
        ".inf",
        "0o7",
        "a #b",
        "a: b",
        "x:",
        "-x",
        "a  b",
      ),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        text,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        tie("map"),
        tie("seq"),
      ),
      map: fc.dictionary(text, tie("node"), { maxKeys: 4 }),
      seq: fc.array(tie("node"), { maxLength: 4 }),
    })).map;
    let printed = 0;
    fc.assert(
      fc.property(value, (data) => {
        const mine = printPlainYaml(data);
        if (mine !== undefined) {
          printed++;
          expect(mine).toBe(stringify(data, LIBRARY));
        }
      }),
      { numRuns: 1000 },
    );
    // Most of the data is printed here, so the comparison above is not vacuous.
    expect(printed).toBeGreaterThan(100);
  });
});
