import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export const ALERTS_FILE = fileURLToPath(
  new URL("../../helm-charts/zakenak/files/alerts.yaml", import.meta.url),
);
export const ALERT_TESTS_FILE = fileURLToPath(new URL("./alerts.test.yaml", import.meta.url));
export const DASHBOARD_FILE = fileURLToPath(
  new URL("../../helm-charts/zakenak/files/dashboard.json", import.meta.url),
);

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts?: unknown[];
}

/** The alerting rules of the chart's rule file, every group together. */
export function alertRules(): AlertRule[] {
  const file = parse(readFileSync(ALERTS_FILE, "utf8")) as { groups: { rules: AlertRule[] }[] };
  return file.groups.flatMap((g) => g.rules);
}

/** Every alert_rule_test case of the promtool test file. */
export function alertRuleTests(): AlertRuleTest[] {
  const file = parse(readFileSync(ALERT_TESTS_FILE, "utf8")) as {
    tests: { alert_rule_test?: AlertRuleTest[] }[];
  };
  return file.tests.flatMap((t) => t.alert_rule_test ?? []);
}

export interface DashboardTarget {
  expr: string;
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: unknown;
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query?: string | { query: string } }[] };
}

export function dashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, "utf8")) as Dashboard;
}

/** Every panel, those inside collapsed rows too. */
export function allPanels(d: Dashboard): DashboardPanel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every PromQL query of the dashboard: panel targets and the variables' queries. */
export function dashboardQueries(d: Dashboard): { where: string; expr: string; variable: boolean }[] {
  const targets = allPanels(d).flatMap((p) =>
    (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr, variable: false })),
  );
  const variables = d.templating.list
    .filter((v) => v.type === "query")
    .map((v) => ({
      where: `variable ${v.name}`,
      expr: typeof v.query === "string" ? v.query : (v.query?.query ?? ""),
      variable: true,
    }));
  return [...targets, ...variables];
}
