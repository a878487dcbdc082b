import { describe, expect, it } from "vitest";
import { renderText } from "../../src/reporting/render-text.js";
import { change, environment, plan, release, samplePlan } from "./plan-fixtures.js";

const ESC = "\x1b";

describe("renderText", () => {
  it("lists per environment the counts, per release the object lines and diffs, and a summary", () => {
    const text = renderText(samplePlan(), { color: false });
    expect(text).toContain("dev: 1 to create, 1 to change, 1 to delete, 4 unchanged (invalid)");
    expect(text).toContain("    + create Service ai/ollama\n");
    expect(text).toContain("    ~ update Deployment ai/ollama\n");
    expect(text).toContain("    - delete ConfigMap ai/old-config\n");
    expect(text).toContain("      +  replicas: 2\n");
    expect(text).toContain("! render failed: helm template: chart not found");
    expect(text).toMatch(
      / {4}error {3}resources-required Deployment\/ai\/ollama \(apps\/ollama\/deployment\.yaml:12\)/,
    );
    expect(text.indexOf("error   resources-required")).toBeLessThan(text.indexOf("warning no-latest-tag"));
    expect(text.trimEnd().split("\n").at(-1)).toBe(
      "Plan: 1 to create, 2 to change, 1 to delete, 6 unchanged; 2 errors, 1 warning.",
    );
  });

  it("writes no escape codes at all without colour, even for control characters in a diff", () => {
    const hostile = plan([environment("dev", [release("x", [change({ diff: `+ evil: "${ESC}[2J"\n` })])])]);
    expect(renderText(samplePlan(), { color: false })).not.toContain(ESC);
    const text = renderText(hostile, { color: false });
    expect(text).not.toContain(ESC);
    expect(text).toContain('+ evil: "\\x1b[2J"');
  });

  it("colours added lines green, removed lines red and errors red with colour", () => {
    const text = renderText(samplePlan(), { color: true });
    expect(text).toContain(ESC);
    expect(text).toContain(`${ESC}[32m+  replicas: 2${ESC}[39m`);
    expect(text).toContain(`${ESC}[31m-  replicas: 1${ESC}[39m`);
    expect(text).toContain(`${ESC}[31merror  ${ESC}[39m`);
    expect(text).toContain(`${ESC}[33mwarning${ESC}[39m`);
  });
});
