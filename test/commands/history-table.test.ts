import { describe, expect, it } from "vitest";
import type { RevisionSummary } from "../../src/applying/history/revision.js";
import { historyTable } from "../../src/commands/history-table.js";

function revision(number: number, extra: Partial<RevisionSummary> = {}): RevisionSummary {
  return {
    environment: "dev",
    number,
    name: `zakenak-dev-${number}`,
    sha: `${number}`.repeat(40).slice(0, 40),
    ref: "refs/heads/develop",
    trigger: "apply",
    actor: "alice",
    startedAt: new Date("2025-01-02T03:04:05.678Z"),
    result: "succeeded",
    objectCount: 3,
    compressedBytes: 100,
    parts: 0,
    ...extra,
  };
}

describe("historyTable", () => {
  it("lists revisions newest first, with the lock", () => {
    const table = historyTable(
      "dev",
      [
        revision(2, { trigger: "rollback", rollbackOf: 1, result: "failed", message: "a | b\nc" }),
        revision(1),
      ],
      {
        environment: "dev",
        holder: "job/1",
        description: "zakenak job 1",
        acquiredAt: new Date("2025-01-02T03:00:00Z"),
        renewedAt: new Date(),
        expiresAt: new Date(),
        expired: false,
        leaseSeconds: 30,
      },
    );
    expect(table).toContain("### History of `dev`");
    expect(table).toContain(
      "| 2 | ❌ failed | rollback to 1 | `222222222222` | refs/heads/develop | alice | 2025-01-02T03:04:05Z | a \\| b c |",
    );
    expect(table).toContain("| 1 | ✅ succeeded | apply | `111111111111` |");
    expect(table).toContain("🔒 Locked by zakenak job 1 since 2025-01-02T03:00:00.000Z.");
  });

  it("says when there is nothing yet and caps long histories", () => {
    expect(historyTable("dev", [], undefined)).toContain("No revisions yet.");
    const many = Array.from({ length: 30 }, (_, i) => revision(30 - i));
    const table = historyTable("dev", many, undefined, 20);
    expect(table.split("\n").filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(20);
    expect(table).toContain("Showing the newest 20 of 30 revisions.");
  });
});
