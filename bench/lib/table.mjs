/** Formats benchmark results as a plain-text table. */

export function formatValue(v, unit) {
  if (v === null || v === undefined || Number.isNaN(v)) return "n/a";
  if (unit === "ms") return v.toFixed(1);
  if (unit === "MB") return v.toFixed(1);
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

export function formatGoal(goal) {
  if (!goal) return "";
  if (goal.maxRatio !== undefined) return `≤ ${goal.maxRatio}×`;
  if (goal.minRatio !== undefined) return `≥ ${goal.minRatio}×`;
  return "";
}

/** "met", "MISSED" or "" (no goal / no ratio). */
export function verdict(result) {
  const g = result.goal;
  if (!g || typeof result.ratio !== "number") return "";
  const ok =
    (g.maxRatio === undefined || result.ratio <= g.maxRatio) &&
    (g.minRatio === undefined || result.ratio >= g.minRatio);
  return ok ? "met" : "MISSED";
}

export function formatTable(results) {
  const header = ["name", "value", "unit", "baseline", "baseline value", "ratio", "goal", "verdict"];
  const rows = results.map((r) => [
    r.name,
    formatValue(r.value, r.unit),
    r.unit,
    r.baseline,
    formatValue(r.baselineValue, r.unit),
    typeof r.ratio === "number" ? `${r.ratio.toFixed(3)}×` : "n/a",
    formatGoal(r.goal),
    verdict(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const numeric = new Set([1, 4, 5]);
  const line = (cells) =>
    cells
      .map((c, i) => (numeric.has(i) ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
