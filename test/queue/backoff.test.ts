import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../src/queue/backoff.js";

describe("backoffDelay", () => {
  it("draws each delay uniformly below a ceiling that doubles per retry, up to the maximum", () => {
    const opts = { baseMs: 1_000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, opts, () => 0.999999))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
    expect(backoffDelay(3, opts, () => 0)).toBe(0);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(2_000);
  });

  it("spreads jobs that fail together (full jitter)", () => {
    const delays = Array.from({ length: 200 }, () => backoffDelay(4, { baseMs: 1_000, maxMs: 60_000 }));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(8_000);
    expect(new Set(delays).size).toBeGreaterThan(150);
  });

  it("defaults to 2 s, doubling up to 5 min", () => {
    expect(backoffDelay(1, {}, () => 1)).toBe(2_000);
    expect(backoffDelay(20, {}, () => 1)).toBe(300_000);
  });
});
