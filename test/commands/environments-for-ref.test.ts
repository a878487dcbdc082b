import { describe, expect, it } from "vitest";
import { environmentForBranch, environmentsForRef } from "../../src/commands/environments-for-ref.js";
import { globMatch } from "../../src/commands/glob-match.js";
import { parseConfig } from "../../src/config/load-config.js";

const config = parseConfig(`environments:
  - name: dev
    branch: develop
  - name: staging
    tag: "rc-*"
  - name: prod
    tag: "v?.*"
  - name: qa
    branch: develop
`);

describe("environments for a pushed ref", () => {
  it("maps a branch to every environment on it", () => {
    expect(environmentsForRef(config.environments, "branch", "develop").map((e) => e.name)).toEqual([
      "dev",
      "qa",
    ]);
    expect(environmentsForRef(config.environments, "branch", "main")).toEqual([]);
    // A tag named like a branch deploys nothing on the branch's behalf.
    expect(environmentsForRef(config.environments, "tag", "develop")).toEqual([]);
  });

  it("maps a tag to the environments whose glob matches it", () => {
    expect(environmentsForRef(config.environments, "tag", "v1.2.3").map((e) => e.name)).toEqual(["prod"]);
    expect(environmentsForRef(config.environments, "tag", "v10.0")).toEqual([]);
    expect(environmentsForRef(config.environments, "tag", "rc-2024/1").map((e) => e.name)).toEqual([
      "staging",
    ]);
    expect(environmentsForRef(config.environments, "branch", "rc-1")).toEqual([]);
  });

  it("finds the environment a base branch deploys to", () => {
    expect(environmentForBranch(config.environments, "develop")?.name).toBe("dev");
    expect(environmentForBranch(config.environments, "main")).toBeUndefined();
  });
});

describe("globMatch", () => {
  it.each([
    ["v*", "v1.2.3", true],
    ["v*", "release-v1", false],
    ["v*", "v", true],
    ["v?", "v1", true],
    ["v?", "v12", false],
    ["v1.*", "v1x2", false],
    ["release/*", "release/2024", true],
    ["(a|b)", "a", false],
    ["(a|b)", "(a|b)", true],
    ["[ab]", "a", false],
    ["*", "", true],
  ])("%s against %s: %s", (glob, text, expected) => {
    expect(globMatch(glob, text)).toBe(expected);
  });
});
