import { describe, expect, it } from "vitest";
import { atLeast, refusalMessage, requiredPermission } from "../../src/commands/authorize.js";
import { parseConfig } from "../../src/config/load-config.js";

const policy = parseConfig(
  "environments:\n  - name: dev\npolicy:\n  plan: triage\n  rollback: maintain\n",
).policy;

describe("authorization", () => {
  it("takes each command's minimum from the policy; history shares plan's, help needs nothing", () => {
    expect(requiredPermission("rollback", policy)).toBe("maintain");
    expect(requiredPermission("unlock", policy)).toBe("maintain");
    expect(requiredPermission("plan", policy)).toBe("triage");
    expect(requiredPermission("history", policy)).toBe("triage");
    expect(requiredPermission("help", policy)).toBe("none");
  });

  it("orders permissions none < read < triage < write < maintain < admin", () => {
    expect(atLeast("admin", "maintain")).toBe(true);
    expect(atLeast("maintain", "maintain")).toBe(true);
    expect(atLeast("write", "maintain")).toBe(false);
    expect(atLeast("read", "triage")).toBe(false);
    expect(atLeast("none", "read")).toBe(false);
    expect(atLeast("none", "none")).toBe(true);
  });

  it("says which permission was needed and which the user has", () => {
    expect(refusalMessage("bob", "rollback", "write", "read")).toBe(
      "@bob, `/rollback` needs **write** permission on this repository; you have **read**.",
    );
  });
});
