// Metric names out of PromQL as the alert rules and the dashboard write it, without a full parser: what
// is left of an expression once strings, label matchers, ranges and grouping clauses are gone is
// function names (followed by "("), keywords, numbers and metric names.

const KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "offset",
  "atan2",
  "inf",
  "nan",
]);

/** Every metric name an expression selects, e.g. `rate(a_total{x="y"}[5m]) / b` → a_total, b. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, " ")
    // Grafana's variables ($environment, ${datasource}) outside strings.
    .replace(/\$\{[^}]*\}|\$\w+/g, " ");
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.])[a-zA-Z_:][\w:]*(?![\w.])(?!\s*\()/g)) {
    if (!KEYWORDS.has(match[0].toLowerCase())) names.add(match[0]);
  }
  return [...names];
}

/** The metric of a Grafana variable query: `label_values(metric, label)` names one, a lone label none. */
export function variableQueryMetrics(query: string): string[] {
  const labelValues = /^\s*label_values\s*\(\s*(.*?)\s*,\s*[\w]+\s*\)\s*$/.exec(query);
  if (labelValues) return metricNames(labelValues[1] ?? "");
  if (/^\s*label_values\s*\(\s*\w+\s*\)\s*$/.test(query)) return [];
  const wrapped = /^\s*query_result\s*\((.*)\)\s*$/.exec(query);
  return metricNames(wrapped?.[1] ?? query);
}

/** Metric families in a Prometheus text exposition, by name, with their type (`# TYPE` lines). */
export function exportedFamilies(exposition: string): Map<string, string> {
  const families = new Map<string, string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    families.set(name as string, type as string);
  }
  return families;
}

/** Whether `name` is a family, or a histogram's or summary's _bucket, _sum or _count series. */
export function isExported(name: string, families: Map<string, string>): boolean {
  if (families.has(name)) return true;
  const suffix = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (!suffix) return false;
  const type = families.get(suffix[1] as string);
  return type === "histogram" || (type === "summary" && suffix[2] !== "bucket");
}
