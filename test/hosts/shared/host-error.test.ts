import { describe, expect, it } from "vitest";
import { classifyStatus, hostError, redactSecrets } from "../../../src/hosts/shared/host-error.js";

describe("classifyStatus", () => {
  it.each([
    [undefined, "host-unavailable", true],
    [500, "host-unavailable", true],
    [502, "host-unavailable", true],
    [429, "host-unavailable", true],
    [409, "conflict", true],
    [401, "unauthorized", false],
    [403, "forbidden", false],
    [404, "not-found", false],
    [422, "invalid", false],
    [400, "host-error", false],
  ])("HTTP %s is %s (retryable: %s)", (status, code, retryable) => {
    expect(classifyStatus(status)).toEqual({ code, retryable });
  });

  it("treats GitHub's rate-limit 403 as retryable", () => {
    expect(classifyStatus(403, { "x-ratelimit-remaining": "0" }).retryable).toBe(true);
    expect(classifyStatus(403, { "retry-after": "60" }).retryable).toBe(true);
  });
});

describe("hostError", () => {
  it("names the host, the call and the repository, and hides the token", () => {
    const token = "glpat-abcdefghijklmnopqrstuvwxyz";
    const error = hostError(
      { host: "gitlab", call: "setStatus", repo: { host: "gitlab", fullName: "group/sub/app" } },
      { status: 401, detail: `bad token ${token}` },
      [token],
    );
    expect(error.message).toMatch(/^GitLab setStatus on group\/sub\/app failed: HTTP 401/);
    expect(error.message).not.toContain(token);
  });

  it("redacts token shapes and credential headers it was not told about", () => {
    const text = redactSecrets(
      "ghs_0123456789abcdefABCDEF0123 Authorization: token s3cr3t-value private-token=abc123xyz",
    );
    expect(text).not.toMatch(/ghs_0123|s3cr3t|abc123xyz/);
  });
});
