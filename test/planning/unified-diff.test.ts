import { structuredPatch } from "diff";
import { describe, expect, it } from "vitest";
import { toYaml, unifiedDiff } from "../../src/planning/diff-objects.js";

/** What `unifiedDiff` printed before created and deleted objects took a shortcut. */
function viaPatch(oldText: string, newText: string): string {
  const patch = structuredPatch("before", "after", oldText, newText, "", "", { context: 3 });
  return patch.hunks
    .map((h) => `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n${h.lines.join("\n")}`)
    .join("\n");
}

const texts = [
  toYaml({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { x: "1\n2\n", y: "" } }),
  "one line\n",
  "\n",
  "\n\nblank lines around\n\n",
  "no newline at the end",
  "carriage\r\nreturns\r\n",
  "",
];

describe("unifiedDiff of a created or deleted object", () => {
  it.each(texts.map((t) => [JSON.stringify(t), t]))("prints %s as the full diff does", (_name, text) => {
    expect(unifiedDiff("", text)).toBe(viaPatch("", text));
    expect(unifiedDiff(text, "")).toBe(viaPatch(text, ""));
  });

  it("gives the same one hunk for an object of 100,000 lines", () => {
    const text = Array.from({ length: 100_000 }, (_, i) => `key-${i}: value\n`).join("");
    const diff = unifiedDiff("", text);
    expect(diff.startsWith("@@ -1,0 +1,100000 @@\n+key-0: value\n")).toBe(true);
    expect(diff).toBe(viaPatch("", text));
  });
});
