import { describe, expect, it } from "vitest";
import { fitComment, splitComment, trimText } from "../../../src/hosts/shared/fit-comment.js";

describe("fitComment", () => {
  const marker = "<!-- zakenak:plan -->";

  it("leaves a body within the limit alone", () => {
    expect(fitComment(`${marker}\nhello`, 100, marker)).toBe(`${marker}\nhello`);
  });

  it("cuts to the limit, keeps the marker and says so", () => {
    const body = `${marker}\n${"x".repeat(1000)}`;
    const fitted = fitComment(body, 300, marker);
    expect(fitted.length).toBeLessThanOrEqual(300);
    expect(fitted.startsWith(`${marker}\n`)).toBe(true);
    expect(fitted).toContain("truncated");
  });

  it("keeps a marker that sat at the end of the body", () => {
    const fitted = fitComment(`${"y".repeat(1000)}\n${marker}`, 200, marker);
    expect(fitted.length).toBeLessThanOrEqual(200);
    expect(fitted).toContain(marker);
  });

  it("never splits a surrogate pair", () => {
    const fitted = fitComment("😀".repeat(500), 201);
    expect(fitted.length).toBeLessThanOrEqual(201);
    expect(() => encodeURIComponent(fitted)).not.toThrow();
  });
});

describe("splitComment", () => {
  it("splits at line breaks into parts within the limit", () => {
    const body = Array.from({ length: 50 }, (_, i) => `line ${i}`).join("\n");
    const parts = splitComment(body, 60);
    expect(parts.every((p) => p.length <= 60)).toBe(true);
    expect(parts.join("")).toBe(body);
    expect(parts[0]?.endsWith("\n")).toBe(true);
  });

  it("cuts a long line hard", () => {
    const parts = splitComment("z".repeat(250), 100);
    expect(parts.map((p) => p.length)).toEqual([100, 100, 50]);
  });
});

describe("trimText", () => {
  it("trims to the limit with an ellipsis", () => {
    expect(trimText("a".repeat(200), 140)).toHaveLength(140);
    expect(trimText("a".repeat(200), 140).endsWith("…")).toBe(true);
    expect(trimText("short", 140)).toBe("short");
  });
});
