import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineCounter, parseAllDocuments, stringify } from "yaml";
import { parsePlainYaml } from "../../src/config/plain-yaml.js";
import { parseManifests } from "../../src/planning/render/parse-manifests.js";

// The fast reader must give exactly what the full parser gives, or give up: these compare the two.

/**
 * What the full parser makes of a stream: each document with content, where it starts, its `# Source:`
 * comment (what the document's text is used for) and its plain data.
 */
function full(text: string) {
  return parseAllDocuments(text, { uniqueKeys: false })
    .map((d) => ({
      start: d.range[0],
      source: sourceOf(text.slice(d.range[0], d.range[2])),
      data: d.toJS() as unknown,
      errors: d.errors.length,
    }))
    .filter((d) => d.data !== null);
}

function fast(text: string) {
  return parsePlainYaml(text)
    ?.filter((d) => d.data !== undefined && d.data !== null)
    .map((d) => ({ start: d.start, source: sourceOf(text.slice(d.start, d.end)), data: d.data, errors: 0 }));
}

function sourceOf(doc: string): string | undefined {
  return /^# Source: [^/\n]+\/(.+)$/m.exec(doc)?.[1];
}

const READ_FAST: Record<string, string> = {
  "a helm render": `---
# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: app
  labels:
    helm.sh/chart: app-0.1.0
    app.kubernetes.io/version: "1.16.0"
  annotations:
    "helm.sh/hook": test
spec:
  type: ClusterIP
  ports:
    - port: 80
      targetPort: http   # a comment
      name: 'http'
---
# Source: app/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata: {}
data:
  settings.yaml: |
    server:
      port: 8080

    # kept: inside the block
  script: |-
    echo hi
  empty: []
`,
  "sequences beside their key and compact mappings": "a:\n- x: 1\n  y:\n  - 2\n  - three\n- -4\nb: ~\nc:\n",
  scalars:
    "i: 012\nj: -0\nk: +12\nf: 1.5\ng: .5\ne: 1e3\nv: 1.27.0\nt: TRUE\nn: Null\ny: yes\nu: http://x/y?q=1#z\np: a#b\nq: 'it''s'\nd: \"x\\ny\\\\z\"\n",
  "a first document without ---, after comments": "# lead\n\n  a: 1\n  b: 2\n---\nc: 3\n",
  "empty documents": "a: 1\n---\n---\n# only a comment\n---\nb: 2\n",
};

const FULL_PARSER: Record<string, string> = {
  anchors: "a: &x 1\nb: *x\n",
  tags: "a: !!str 1\n",
  "flow collections": "a: [1, 2]\n",
  "folded scalars": "a: >\n  x\n",
  "kept line breaks": "a: |+\n  x\n\n",
  "indentation indicators": "a: |2\n   x\n",
  "multi-line plain scalars": "a: b\n  c\n",
  "multi-line quoted scalars": 'a: "x\n  y"\n',
  "other escapes": 'a: "\\u0041"\n',
  tabs: "a:\t1\n",
  "repeated keys": "a: 1\na: 2\n",
  "a mapping in a value": "a: b: c\n",
  "keys that are not strings": "80: x\n",
  "complex keys": "? a\n: b\n",
  "a document end marker": "a: 1\n...\n",
  "a bad indentation": "a:\n  b: 1\n c: 2\n",
  "a block scalar at the end of a text without a line break": "a: |\n  x",
  __proto__: "__proto__: 1\n",
};

describe("the fast YAML reader", () => {
  for (const [what, text] of Object.entries(READ_FAST)) {
    it(`reads ${what} exactly as the full parser does`, () => {
      const mine = fast(text);
      expect(mine).toBeDefined();
      expect(mine).toEqual(full(text));
    });
  }

  for (const [what, text] of Object.entries(FULL_PARSER)) {
    it(`leaves ${what} to the full parser`, () => {
      expect(parsePlainYaml(text)).toBeUndefined();
    });
  }

  it("agrees with the full parser on any data the yaml library prints, or leaves it to it", () => {
    const key = fc.oneof(
      fc.stringMatching(/^[a-z][a-z0-9./-]{0,12}$/),
      fc.constantFrom("true", "null", "80", "0x1F", "a b", "a: b", "#x", "-", "'q'", "__proto__"),
    );
    const scalar = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        "",
        "~",
        "null",
        "True",
        "012",
        "1.27.0",
        "1e3",
        ".inf",
        "- x",
        "a #b",
        "x: y",
        "|",
        "'",
      ),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, scalar, tie("map"), tie("seq")),
      map: fc.dictionary(key, tie("node"), { maxKeys: 4 }),
      seq: fc.array(tie("node"), { maxLength: 4 }),
    })).map;
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 3 }), fc.boolean(), (docs, indentSeq) => {
        const text = docs.map((d) => `---\n${stringify(d, { indentSeq })}`).join("");
        const mine = fast(text);
        if (mine !== undefined) expect(mine).toEqual(full(text));
      }),
      { numRuns: 400 },
    );
  });

  it("reads what kubectl-style manifests print, whatever the sequence indentation", () => {
    const manifest = fc.record({
      apiVersion: fc.constant("v1"),
      kind: fc.constant("ConfigMap"),
      metadata: fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/) }),
      data: fc.dictionary(
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.]{0,10}$/),
        fc.stringMatching(/^[a-z0-9 ]{0,30}$/),
      ),
      list: fc.array(fc.record({ name: fc.stringMatching(/^[a-z]{1,8}$/), port: fc.nat(65535) })),
    });
    fc.assert(
      fc.property(manifest, fc.boolean(), (m, indentSeq) => {
        const text = stringify(m, { indentSeq });
        expect(fast(text)).toEqual(full(text));
      }),
      { numRuns: 200 },
    );
  });
});

describe("parseManifests with the fast reader", () => {
  it("gives each object its document's line, and its template's file for a helm render", () => {
    const text =
      "# lead\napiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\n\napiVersion: v1\nkind: B\nmetadata:\n  name: b\n";
    expect(parsePlainYaml(text)).toBeDefined();
    const lines = new LineCounter();
    const expected = parseAllDocuments(text, { lineCounter: lines }).map(
      (d) => lines.linePos(d.range[0]).line,
    );
    const parsed = parseManifests(text, { release: "r", file: "m.yaml", namespace: "ns" });
    expect(parsed.findings).toEqual([]);
    expect(parsed.objects.map((o) => [o.object.kind, o.line, o.object.metadata.namespace])).toEqual([
      ["A", expected[0], "ns"],
      ["B", expected[1], "ns"],
    ]);
    const helm = "---\n# Source: app/templates/a.yaml\napiVersion: v1\nkind: A\nmetadata:\n  name: a\n";
    const render = parseManifests(helm, { release: "r", file: "chart", sourceOf });
    expect(render.objects.map((o) => [o.file, o.line])).toEqual([["templates/a.yaml", undefined]]);
  });

  it("still reports what the fast reader leaves to the full parser, with its line", () => {
    const text = "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  name: b\n";
    const parsed = parseManifests(text, { release: "r", file: "m.yaml" });
    expect(parsed.objects).toEqual([]);
    expect(parsed.findings).toMatchObject([{ rule: "yaml-syntax", file: "m.yaml", line: 5 }]);
  });
});
