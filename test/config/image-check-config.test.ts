import { describe, expect, it } from "vitest";
import { DEFAULT_IMAGE_CHECK, imageCheckConfig } from "../../src/config/image-check-config.js";

describe("imageCheckConfig", () => {
  it("is on, with a 5 s deadline and 8 lookups at once, unless told otherwise", () => {
    expect(imageCheckConfig({})).toEqual({ enabled: true, timeoutMs: 5_000, concurrency: 8 });
    expect(imageCheckConfig({ ZAKENAK_IMAGE_CHECK: "" })).toEqual(DEFAULT_IMAGE_CHECK);
  });

  it("reads the switch, the deadline in seconds and the concurrency", () => {
    expect(
      imageCheckConfig({
        ZAKENAK_IMAGE_CHECK: "off",
        ZAKENAK_IMAGE_CHECK_TIMEOUT_SECONDS: "1.5",
        ZAKENAK_IMAGE_CHECK_CONCURRENCY: "2",
      }),
    ).toEqual({ enabled: false, timeoutMs: 1_500, concurrency: 2 });
    expect(imageCheckConfig({ ZAKENAK_IMAGE_CHECK: "true" }).enabled).toBe(true);
  });

  it("refuses a bad value, naming the variable", () => {
    expect(() => imageCheckConfig({ ZAKENAK_IMAGE_CHECK: "maybe" })).toThrow(
      "ZAKENAK_IMAGE_CHECK: must be on or off",
    );
    expect(() => imageCheckConfig({ ZAKENAK_IMAGE_CHECK_TIMEOUT_SECONDS: "0" })).toThrow(
      "ZAKENAK_IMAGE_CHECK_TIMEOUT_SECONDS",
    );
    expect(() => imageCheckConfig({ ZAKENAK_IMAGE_CHECK_TIMEOUT_SECONDS: "-1" })).toThrow(
      "ZAKENAK_IMAGE_CHECK_TIMEOUT_SECONDS",
    );
    expect(() => imageCheckConfig({ ZAKENAK_IMAGE_CHECK_CONCURRENCY: "0" })).toThrow(
      "ZAKENAK_IMAGE_CHECK_CONCURRENCY",
    );
  });
});
