import { describe, expect, it } from "vitest";
import { LineCounter, parseAllDocuments, parseDocument } from "yaml";
import { findDuplicateKeys } from "../../src/config/find-duplicate-keys.js";

function duplicatesIn(text: string) {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  expect(doc.errors).toEqual([]);
  return findDuplicateKeys(doc, lines).map((d) => ({ key: d.key, line: d.line, firstLine: d.firstLine }));
}

describe("findDuplicateKeys", () => {
  it("reports every repeated key with its line and its first occurrence's, in document order", () => {
    const text = "a: 1\nb: 2\na: 3\nc: 4\nb: 5\na: 6\n";
    expect(duplicatesIn(text)).toEqual([
      { key: "a", line: 3, firstLine: 1 },
      { key: "b", line: 5, firstLine: 2 },
      { key: "a", line: 6, firstLine: 1 },
    ]);
  });

  it("looks into nested mappings, mappings in sequences and flow mappings", () => {
    const text = [
      "top:",
      "  inner: 1",
      "  inner: 2",
      "list:",
      "  - name: x",
      "    name: y",
      "flow: { k: 1, k: 2 }",
    ].join("\n");
    expect(duplicatesIn(text)).toEqual([
      { key: "inner", line: 3, firstLine: 2 },
      { key: "name", line: 6, firstLine: 5 },
      { key: "k", line: 7, firstLine: 7 },
    ]);
  });

  it("compares keys by value as the parser does: equal scalars repeat, different types do not", () => {
    expect(duplicatesIn('"a": 1\na: 2\n')).toEqual([{ key: "a", line: 2, firstLine: 1 }]);
    expect(duplicatesIn('1: one\n"1": text\n')).toEqual([]);
    expect(duplicatesIn("~: 1\nnull: 2\n")).toEqual([{ key: "null", line: 2, firstLine: 1 }]);
  });

  it("allows the same key in different mappings and never treats collection keys as repeats", () => {
    expect(duplicatesIn("a: { x: 1 }\nb: { x: 1 }\n? [1]\n: one\n? [1]\n: two\n")).toEqual([]);
  });

  it("finds what the parser's own check finds, on every document of a stream", () => {
    const text = "a: 1\na: 2\n---\nb: { c: 1, c: 2 }\n";
    const strict = parseAllDocuments(text, { uniqueKeys: true }).map((d) => d.errors.length);
    const lines = new LineCounter();
    const linear = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false }).map(
      (d) => findDuplicateKeys(d, lines).length,
    );
    expect(linear).toEqual(strict);
  });

  it("keeps a message on one line whatever the key holds", () => {
    const lines = new LineCounter();
    const doc = parseDocument('"a\\nb": 1\n"a\\nb": 2\n', { lineCounter: lines, uniqueKeys: false });
    const [dup] = findDuplicateKeys(doc, lines);
    expect(dup?.message).toBe('Map keys must be unique: "a\\nb" is repeated (first at line 1)');
  });
});
