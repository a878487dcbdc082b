import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../src/reporting/render-markdown.js";
import {
  change,
  count,
  detailsBalanced,
  environment,
  fencesBalanced,
  plan,
  release,
  samplePlan,
} from "./plan-fixtures.js";

const MARKER = "<!-- zakenak:plan -->";

describe("renderMarkdown", () => {
  const markdown = renderMarkdown(samplePlan(), { marker: MARKER });

  it("starts with the marker, then the title", () => {
    expect(markdown.startsWith(`${MARKER}\n\n## Zakenak plan`)).toBe(true);
    expect(markdown).toContain("Comparing `main` → `feature/ollama`");
  });

  it("puts the summary table, one row per environment, before the first <details>", () => {
    const table = markdown.indexOf("| Environment |");
    expect(table).toBeGreaterThan(-1);
    expect(table).toBeLessThan(markdown.indexOf("<details>"));
    expect(markdown).toContain("| dev | 1 | 1 | 1 | 4 | ❌ 1 error, ⚠️ 1 warning |");
    expect(markdown).toContain("| prod | 0 | 1 | 0 | 2 | ❌ 1 error |");
    expect(markdown).toContain("| **Total** | 1 | 2 | 1 | 6 | ❌ 2 errors, ⚠️ 1 warning |");
  });

  it("shows ✅ valid for a clean environment", () => {
    const clean = renderMarkdown(plan([environment("dev", [release("a", [change()])])]));
    expect(clean).toContain("| dev | 0 | 1 | 0 | 0 | ✅ valid |");
  });

  it("has one <details> per release with changes or a render error", () => {
    expect(count(markdown, "<details>\n<summary>")).toBe(3);
    expect(count(markdown, "</details>")).toBe(3);
    expect(markdown).toContain(
      "<summary><b>ollama</b> (dev): 1 to create, 1 to change, 1 to delete, 0 unchanged",
    );
    expect(markdown).toContain(
      "<summary><b>ollama</b> (prod): 0 to create, 1 to change, 0 to delete, 2 unchanged",
    );
    expect(markdown).not.toContain("<b>ingress</b>");
  });

  it("heads each object's diff with action and Kind namespace/name, in a diff block", () => {
    expect(markdown).toContain("**create** `Service ai/ollama`");
    expect(markdown).toContain("**delete** `ConfigMap ai/old-config`");
    expect(markdown).toContain("**update** `Deployment ai-prod/ollama`");
    expect(markdown).toContain("```diff\n--- a\n+++ b\n@@ -1,2 +1,2 @@\n-  replicas: 1\n+  replicas: 2\n");
  });

  it("lists findings per environment, errors first, with rule, object and file:line", () => {
    const findings = markdown.slice(
      markdown.indexOf("### Validation findings"),
      markdown.indexOf("### Changes"),
    );
    expect(findings).toContain("**dev**: 1 error, 1 warning");
    const error = findings.indexOf(
      "- ❌ **error** `resources-required` `Deployment/ai/ollama` at `apps/ollama/deployment.yaml:12`: container ollama has no memory limit",
    );
    const warning = findings.indexOf(
      "- ⚠️ **warning** `no-latest-tag` at `apps/ollama/values.yaml:3`: uses latest",
    );
    expect(error).toBeGreaterThan(-1);
    expect(warning).toBeGreaterThan(error);
  });

  it("shows a render error", () => {
    expect(markdown).toContain(
      "<summary><b>monitoring</b> (prod): 0 to create, 0 to change, 0 to delete, 0 unchanged — ❌ render failed</summary>",
    );
    expect(markdown).toContain(
      "**Render failed:**\n\n```\nhelm template: chart not found: grafana-9.9.9.tgz\n```",
    );
    expect(markdown).not.toContain("No changes");
  });

  it("says No changes when nothing changes", () => {
    const none = renderMarkdown(plan([environment("dev", [release("ollama", [], { unchanged: 7 })])]));
    expect(none).toContain("**No changes.**");
    expect(none).toContain("| dev | 0 | 0 | 0 | 7 | ✅ valid |");
    expect(none).not.toContain("<details>");
    expect(renderMarkdown(plan([]))).toContain("**No changes.**");
  });

  it("uses a longer fence when a diff contains triple backticks", () => {
    const diff = "+ README: |\n+   ```sh\n+   echo hi\n+   ```\n+   ````\n";
    const md = renderMarkdown(plan([environment("dev", [release("docs", [change({ diff })])])]));
    expect(md).toContain("`````diff\n+ README: |");
    expect(fencesBalanced(md)).toBe(true);
    expect(detailsBalanced(md)).toBe(true);
  });

  it("escapes names and messages that could break the table or inject HTML", () => {
    const md = renderMarkdown(
      plan([
        environment(
          "a|b",
          [release("<script>x</script>", [change({ name: "we`ird" })])],
          [{ rule: "r", severity: "info", file: "f.yaml", message: "line1\n</details> *bold* [x](y)" }],
        ),
      ]),
    );
    expect(md).toContain("| a\\|b | 0 | 1 |");
    expect(md).toContain("<b>&lt;script&gt;x&lt;/script&gt;</b>");
    expect(md).not.toContain("<script>");
    expect(md).toContain("``Deployment ai/we`ird``");
    expect(md).toContain("line1 &lt;/details&gt; \\*bold\\* \\[x\\](y)");
    expect(detailsBalanced(md)).toBe(true);
  });
});
