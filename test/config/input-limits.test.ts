import { describe, expect, it } from "vitest";
import { DEFAULT_INPUT_LIMITS, inputLimits } from "../../src/config/input-limits.js";
import { ZakenakError } from "../../src/errors.js";

describe("inputLimits", () => {
  it("defaults to 8 MiB per file, 64 MiB per release's render and etcd's 1.5 MiB per object", () => {
    expect(inputLimits({})).toEqual({
      maxFileBytes: 8 * 1024 * 1024,
      maxRenderBytes: 64 * 1024 * 1024,
      maxObjectBytes: 1.5 * 1024 * 1024,
    });
    expect(inputLimits({ ZAKENAK_MAX_FILE_BYTES: "" })).toEqual(DEFAULT_INPUT_LIMITS);
  });

  it("reads each limit from its variable", () => {
    const env = {
      ZAKENAK_MAX_FILE_BYTES: "1000",
      ZAKENAK_MAX_RENDER_BYTES: "2000",
      ZAKENAK_MAX_OBJECT_BYTES: "3000",
    };
    expect(inputLimits(env)).toEqual({ maxFileBytes: 1000, maxRenderBytes: 2000, maxObjectBytes: 3000 });
  });

  it.each(["8MiB", "0", "-5", "1.5", "99999999999999999999"])("refuses %j, naming the variable", (raw) => {
    const err = (() => {
      try {
        inputLimits({ ZAKENAK_MAX_RENDER_BYTES: raw });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ZakenakError);
    expect(err).toMatchObject({
      code: "config-invalid",
      message: "ZAKENAK_MAX_RENDER_BYTES: must be a whole number of bytes, at least 1",
    });
  });
});
