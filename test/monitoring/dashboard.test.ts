import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { allPanels, dashboard, dashboardQueries } from "./monitoring-files.js";
import { promtoolPath, runPromtool } from "./promtool.js";

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's syntax for the data source variable.
const DATASOURCE_VARIABLE = "${datasource}";

/** A dashboard query as Prometheus receives it once Grafana has put in its variables. */
function asGrafanaSends(expr: string): string {
  return expr
    .replaceAll("$__rate_interval", "2m")
    .replaceAll("$__interval", "30s")
    .replaceAll("$__range", "6h")
    .replace(/\$\{?\w+\}?/g, ".*");
}

describe("the chart's Grafana dashboard", () => {
  const d = dashboard();

  it("has a stable uid, a title and a data source variable every query uses", () => {
    expect(d.uid).toBe("zakenak");
    expect(d.title).toBe("Zakenak");
    expect(d.templating.list.map((v) => v.name)).toEqual(["datasource", "environment"]);
    const panels = allPanels(d).filter((p) => p.type !== "row");
    expect(new Set(allPanels(d).map((p) => p.id)).size).toBe(allPanels(d).length);
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual({ type: "prometheus", uid: DATASOURCE_VARIABLE });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it("shows what the alerts watch", () => {
    const queries = dashboardQueries(d).map((q) => q.expr);
    for (const metric of [
      "zakenak_applies_total",
      "zakenak_rollbacks_total",
      "zakenak_deploy_duration_seconds_bucket",
      "zakenak_apply_duration_seconds_bucket",
      "zakenak_queue_depth",
      "zakenak_queue_oldest_waiting_job_age_seconds",
      "zakenak_queue_workers",
      "zakenak_webhooks_total",
      'result=~"bad-signature|unauthorized"',
      "zakenak_environment_lock_age_seconds",
      "zakenak_environment_lock_held_seconds_bucket",
      "zakenak_redis_up",
    ]) {
      expect(
        queries.some((q) => q.includes(metric)),
        metric,
      ).toBe(true);
    }
  });

  it("has only queries that Prometheus parses (checked by promtool)", async () => {
    const promtool = await promtoolPath();
    const rules = dashboardQueries(d)
      .filter((q) => !q.variable)
      .map((q, i) => ({ record: `dashboard:query_${i}`, expr: asGrafanaSends(q.expr) }));
    const dir = mkdtempSync(join(tmpdir(), "zakenak-dashboard-"));
    const file = join(dir, "dashboard-queries.yaml");
    writeFileSync(file, stringify({ groups: [{ name: "dashboard", rules }] }));
    const run = await runPromtool(promtool, ["check", "rules", file], dir);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(`SUCCESS: ${rules.length} rules found`);
  }, 600_000);
});
