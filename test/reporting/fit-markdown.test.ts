import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/model/finding.js";
import { COMMENT_LIMITS } from "../../src/reporting/fit-markdown.js";
import { renderMarkdown } from "../../src/reporting/render-markdown.js";
import {
  count,
  detailsBalanced,
  environment,
  fencesBalanced,
  hugeRelease,
  plan,
  release,
  samplePlan,
} from "./plan-fixtures.js";

const MARKER = "<!-- zakenak:plan -->";
const LINES_PER_RELEASE = 300;

/** 2 environments × 10 releases × 300 lines of about 60 characters: about 360 kB of diff. */
function hugePlan() {
  const releases = (env: string) =>
    Array.from({ length: 10 }, (_, i) =>
      hugeRelease(`${env}-app-${String(i).padStart(2, "0")}`, LINES_PER_RELEASE),
    );
  const warning: Finding = {
    rule: "no-latest-tag",
    severity: "warning",
    file: "apps/x/values.yaml",
    message: "latest",
  };
  return plan([environment("dev", releases("dev"), [warning]), environment("prod", releases("prod"))]);
}

function summaryOf(markdown: string): string {
  return markdown.slice(0, markdown.indexOf("\n\n", markdown.indexOf("| Environment |")));
}

describe("fitMarkdown (renderMarkdown with a limit)", () => {
  const huge = hugePlan();
  const full = renderMarkdown(huge, { marker: MARKER });

  it("keeps a huge plan within GitHub's limit, summary and findings header intact", () => {
    const fitted = renderMarkdown(huge, { marker: MARKER, limit: COMMENT_LIMITS.github });
    expect(full.length).toBeGreaterThan(COMMENT_LIMITS.github);
    expect(fitted.length).toBeLessThanOrEqual(COMMENT_LIMITS.github);
    expect(fitted.length).toBeGreaterThan(COMMENT_LIMITS.github * 0.9);
    expect(summaryOf(fitted)).toBe(summaryOf(full));
    expect(fitted).toContain("### Validation findings");
    expect(fitted).toContain("`no-latest-tag`");
    expect(fencesBalanced(fitted)).toBe(true);
    expect(detailsBalanced(fitted)).toBe(true);
  });

  it("says how many lines were cut and which releases lost their diffs, trimming from the end", () => {
    const fitted = renderMarkdown(huge, { limit: COMMENT_LIMITS.github });
    const note = /> ⚠️ … (\d+) lines of diff omitted \(comment size limit\); run `zakenak plan` locally/.exec(
      fitted,
    );
    expect(note).not.toBeNull();
    // Every diff line is either shown or counted in the note (each diff is a hunk header plus its lines).
    const shownLines = count(fitted, /^(\+ {2}line-\d+|@@ )/m);
    expect(Number(note?.[1]) + shownLines).toBe(20 * (LINES_PER_RELEASE + 1));
    expect(fitted).toMatch(/> Diffs dropped: .*`prod-app-09` \(prod\)\./);
    expect(fitted).not.toMatch(/> Diffs dropped: .*`dev-app-00`/);
    // The first release keeps its whole diff; the last one only its summary.
    const first = fitted.slice(fitted.indexOf("<b>dev-app-00</b>"), fitted.indexOf("<b>dev-app-01</b>"));
    expect(first).toContain(`+  line-${LINES_PER_RELEASE - 1}:`);
    expect(first).not.toContain("omitted");
    const last = fitted.slice(fitted.indexOf("<b>prod-app-09</b>"));
    expect(last).toContain("_Diff omitted (comment size limit)._");
    expect(last).not.toContain("```diff");
  });

  it("keeps the summary under a small limit", () => {
    for (const limit of [3_000, 5_000, 10_000]) {
      const fitted = renderMarkdown(huge, { marker: MARKER, limit });
      expect(fitted.length).toBeLessThanOrEqual(limit);
      expect(summaryOf(fitted)).toBe(summaryOf(full));
      expect(fitted).toContain("lines of diff omitted");
      expect(fencesBalanced(fitted)).toBe(true);
      expect(detailsBalanced(fitted)).toBe(true);
    }
  });

  it("stays within any limit and balanced", () => {
    const sample = samplePlan();
    for (let limit = 100; limit <= 4_000; limit += 97) {
      for (const p of [huge, sample]) {
        const fitted = renderMarkdown(p, { limit });
        expect(fitted.length).toBeLessThanOrEqual(limit);
        expect(fencesBalanced(fitted)).toBe(true);
        expect(detailsBalanced(fitted)).toBe(true);
      }
    }
  });

  it("returns exactly the full comment when it is under the limit", () => {
    const sample = samplePlan();
    const unlimited = renderMarkdown(sample, { marker: MARKER });
    expect(renderMarkdown(sample, { marker: MARKER, limit: COMMENT_LIMITS.github })).toBe(unlimited);
    expect(renderMarkdown(sample, { marker: MARKER, limit: unlimited.length })).toBe(unlimited);
    expect(renderMarkdown(sample, { marker: MARKER, limit: unlimited.length - 1 })).not.toBe(unlimited);
  });

  it("truncates findings with a note when diffs alone are not enough", () => {
    const findings: Finding[] = Array.from({ length: 500 }, (_, i) => ({
      rule: "resources-required",
      severity: i % 2 === 0 ? "error" : "warning",
      file: `apps/app-${i}/deployment.yaml`,
      line: i + 1,
      message: "container has no memory limit",
    }));
    const p = plan([environment("dev", [hugeRelease("app", 100)], findings)]);
    const fitted = renderMarkdown(p, { limit: 8_000 });
    expect(fitted.length).toBeLessThanOrEqual(8_000);
    expect(fitted).toContain("| dev | 1 | 0 | 0 | 0 | ❌ 250 errors, ⚠️ 250 warnings |");
    expect(fitted).toContain("### Validation findings");
    expect(fitted).toMatch(/_… \d+ more findings not shown \(comment size limit\)\._/);
    expect(fitted).toContain("> Releases not shown: `app` (dev).");
    // Errors come first, so they are the findings that survive.
    expect(fitted).toContain("❌ **error**");
    expect(fitted).not.toContain("⚠️ **warning**");
  });

  it("hard-cuts at a line boundary with a note when even the summary does not fit", () => {
    const envs = Array.from({ length: 300 }, (_, i) => environment(`env-${i}`, [release("a", [])]));
    const fitted = renderMarkdown(plan(envs), { marker: MARKER, limit: 2_000 });
    expect(fitted.length).toBeLessThanOrEqual(2_000);
    expect(fitted.startsWith(MARKER)).toBe(true);
    expect(fitted).toContain("comment truncated (comment size limit)");
    for (const line of fitted.split("\n").filter((l) => l.startsWith("| env-"))) {
      expect(line).toMatch(/^\| env-\d+ \| 0 \| 0 \| 0 \| 0 \| ✅ valid \|$/);
    }
  });
});
