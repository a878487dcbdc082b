import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ALERT_TESTS_FILE, ALERTS_FILE, alertRules, alertRuleTests } from "./monitoring-files.js";
import { promtoolPath, runPromtool } from "./promtool.js";

let promtool: string;

beforeAll(async () => {
  promtool = await promtoolPath();
}, 600_000);

describe("the chart's alerting rules", () => {
  it("pass promtool check rules", async () => {
    const run = await runPromtool(promtool, ["check", "rules", ALERTS_FILE], dirname(ALERTS_FILE));
    expect(run.output).toContain("SUCCESS: 8 rules found");
    expect(run.code).toBe(0);
  });

  it("pass their promtool unit tests", async () => {
    const run = await runPromtool(promtool, ["test", "rules", ALERT_TESTS_FILE], dirname(ALERT_TESTS_FILE));
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("SUCCESS");
  });

  it("have a firing and a non-firing test case each", () => {
    const cases = alertRuleTests();
    for (const { alert } of alertRules()) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} has no firing case in alerts.test.yaml`,
      ).toBe(true);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} has no non-firing case in alerts.test.yaml`,
      ).toBe(true);
    }
  });

  it("each carry a severity, a summary, a description and a runbook", () => {
    const rules = alertRules();
    expect(rules.map((r) => r.alert).sort()).toEqual([
      "ZakenakAutomaticRollback",
      "ZakenakDeployFailed",
      "ZakenakEnvironmentLockHeldTooLong",
      "ZakenakNoWorkerAlive",
      "ZakenakQueueNotDraining",
      "ZakenakRedisDown",
      "ZakenakWebhookSignatureFailures",
      "ZakenakWebhooksShed",
    ]);
    for (const rule of rules) {
      expect(["warning", "critical"], rule.alert).toContain(rule.labels?.severity);
      for (const key of ["summary", "description", "runbook"]) {
        expect(rule.annotations?.[key]?.trim(), `${rule.alert}: ${key}`).toBeTruthy();
      }
    }
  });

  it("are checked for real: promtool refuses a rule that does not parse", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zakenak-rules-"));
    const file = join(dir, "broken.yaml");
    writeFileSync(
      file,
      "groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum by (x (y)\n",
    );
    const run = await runPromtool(promtool, ["check", "rules", file], dir);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/parse error/);
  });
});
