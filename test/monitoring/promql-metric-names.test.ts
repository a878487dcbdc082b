import { describe, expect, it } from "vitest";
import { exportedFamilies, isExported, metricNames, variableQueryMetrics } from "./promql-metric-names.js";

describe("metricNames", () => {
  it("finds selectors and leaves out functions, labels, ranges, keywords and variables", () => {
    const expr =
      'histogram_quantile(0.95, sum by (le, environment) (rate(zakenak_apply_duration_seconds_bucket{environment=~"$environment"}[$__rate_interval])))';
    expect(metricNames(expr)).toEqual(["zakenak_apply_duration_seconds_bucket"]);
  });

  it("finds both sides of binary operators, offsets and absent()", () => {
    const expr = `sum by (environment) (
      (increase(zakenak_applies_total{result="failed"}[15m]) > 0)
      or (zakenak_applies_total unless zakenak_applies_total offset 15m)
    ) > 0 or absent(zakenak_queue_workers) and on (instance) process_resident_memory_bytes`;
    expect(metricNames(expr).sort()).toEqual([
      "process_resident_memory_bytes",
      "zakenak_applies_total",
      "zakenak_queue_workers",
    ]);
  });

  it("reads Grafana variable queries", () => {
    expect(variableQueryMetrics("label_values(zakenak_applies_total, environment)")).toEqual([
      "zakenak_applies_total",
    ]);
    expect(variableQueryMetrics("label_values(environment)")).toEqual([]);
  });
});

describe("isExported", () => {
  const families = exportedFamilies(
    [
      "# HELP a_seconds help",
      "# TYPE a_seconds histogram",
      "# HELP b_total help",
      "# TYPE b_total counter",
      'b_total{x="1"} 2',
    ].join("\n"),
  );

  it("knows families and a histogram's series", () => {
    expect(isExported("b_total", families)).toBe(true);
    expect(isExported("a_seconds_bucket", families)).toBe(true);
    expect(isExported("a_seconds_count", families)).toBe(true);
    expect(isExported("b_total_count", families)).toBe(false);
    expect(isExported("c", families)).toBe(false);
  });
});
