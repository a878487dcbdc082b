/** Small statistics helpers for benchmark samples. */

/** Median of a non-empty list of numbers (mean of the two middle values for an even count). */
export function median(values) {
  if (values.length === 0) throw new Error("median of no values");
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function min(values) {
  return Math.min(...values);
}

export function max(values) {
  return Math.max(...values);
}

/** "median 1234.5 ms (min 1200.1, max 1300.2, n=5)": the spread, for notes and progress lines. */
export function describeSamples(values, unit, digits = 1) {
  const f = (v) => v.toFixed(digits);
  return `median ${f(median(values))} ${unit} (min ${f(min(values))}, max ${f(max(values))}, n=${values.length})`;
}
