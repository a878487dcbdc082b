import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load-config.js";
import { ZakenakError } from "../../src/errors.js";

const RULES = ["privileged-container", "plain-secret"];

/** The error parseConfig throws for `text` (fails the test when it parses). */
function errorOf(text: string, knownRules?: readonly string[]): ZakenakError {
  try {
    parseConfig(text, ".zakenak.yaml", knownRules);
  } catch (err) {
    expect(err).toBeInstanceOf(ZakenakError);
    return err as ZakenakError;
  }
  throw new Error(`expected an error for:\n${text}`);
}

/** The problem lines of a config-invalid error (after the "invalid .zakenak.yaml:" header). */
function problems(text: string, knownRules?: readonly string[]): string[] {
  const err = errorOf(text, knownRules);
  expect(err.code).toBe("config-invalid");
  const [header, ...rest] = err.message.split("\n");
  expect(header).toBe("invalid .zakenak.yaml:");
  return rest.map((l) => l.trim());
}

const ENVS = "environments:\n  - name: dev\n  - name: prod\n";

describe("parseConfig: valid configs", () => {
  it("parses a full config and fills policy defaults", () => {
    const config = parseConfig(
      `${ENVS}releases:
  - name: app
    namespace: apps
    chart: charts/app
    values: [charts/app/values.yaml]
    environments: [prod]
    env:
      prod:
        values: [env/prod.yaml]
  - name: base
    manifests: manifests/base
  - name: overlay
    kustomize: overlays/prod
`,
      ".zakenak.yaml",
      RULES,
    );
    expect(config.environments.map((e) => e.name)).toEqual(["dev", "prod"]);
    expect(config.releases).toHaveLength(3);
    expect(config.releases[0]).toEqual({
      name: "app",
      namespace: "apps",
      chart: "charts/app",
      values: ["charts/app/values.yaml"],
      environments: ["prod"],
      env: { prod: { values: ["env/prod.yaml"] } },
    });
    expect(config.policy).toEqual({ plan: "read", rollback: "write", unlock: "maintain", rules: {} });
  });

  it("defaults releases to none and keeps given policy settings next to defaults", () => {
    const config = parseConfig(
      `${ENVS}policy:\n  rollback: admin\n  rules:\n    plain-secret: "off"\n`,
      ".zakenak.yaml",
      RULES,
    );
    expect(config.releases).toEqual([]);
    expect(config.policy).toEqual({
      plan: "read",
      rollback: "admin",
      unlock: "maintain",
      rules: { "plain-secret": "off" },
    });
  });
});

describe("parseConfig: unknown keys and wrong types", () => {
  it("names the file, the line and the unknown top-level key", () => {
    expect(problems(`${ENVS}releses: []\n`)).toEqual(['.zakenak.yaml:4: (top level): unknown key "releses"']);
  });

  it("names the file, line and path of an unknown nested key (releases[0].chrt)", () => {
    const [line, ...rest] = problems(`${ENVS}releases:\n  - name: app\n    chrt: charts/app\n`);
    expect(line).toBe('.zakenak.yaml:6: releases[0]: unknown key "chrt"');
    // The typo also leaves the release without a source; that is reported too, at the release.
    expect(rest).toEqual([".zakenak.yaml:5: releases[0]: needs one of chart, manifests or kustomize"]);
  });

  it("reports `environments: 3` as the wrong type, not as missing", () => {
    const [line, ...rest] = problems("environments: 3\n");
    expect(rest).toEqual([]);
    expect(line).toMatch(/^\.zakenak\.yaml:1: environments: /);
    expect(line).toContain("expected array");
    expect(line).toContain("got number");
    expect(line).not.toContain("required");
  });

  it('reports `requireSignedCommits: "yes"` as the wrong type with its line', () => {
    const [line] = problems('environments:\n  - name: dev\n    requireSignedCommits: "yes"\n');
    expect(line).toMatch(/^\.zakenak\.yaml:3: environments\[0\]\.requireSignedCommits: /);
    expect(line).toContain("expected boolean");
    expect(line).toContain("got string");
  });

  it("reports a missing required key as required", () => {
    expect(problems("releases: []\n")).toEqual([".zakenak.yaml:1: environments: required (expected array)"]);
  });

  it("reports every problem at once", () => {
    const lines = problems(`${ENVS}extra: 1\nreleases:\n  - name: Bad_Name\n    manifests: m\n`);
    expect(lines).toHaveLength(2);
    expect(lines.join("\n")).toContain('unknown key "extra"');
    expect(lines.join("\n")).toContain("releases[0].name: must be a lowercase DNS label");
  });
});

describe("parseConfig: names, sources and references", () => {
  it("refuses duplicate environment and release names, each at the duplicate's line", () => {
    const lines = problems(
      "environments:\n  - name: dev\n  - name: dev\nreleases:\n  - name: a\n    manifests: m\n  - name: a\n    manifests: n\n",
    );
    expect(lines).toEqual([
      '.zakenak.yaml:3: environments[1].name: duplicate environment "dev"',
      '.zakenak.yaml:7: releases[1].name: duplicate release "a"',
    ]);
  });

  it("needs exactly one of chart, manifests or kustomize", () => {
    const lines = problems(
      `${ENVS}releases:\n  - name: both\n    chart: c\n    manifests: m\n  - name: none\n`,
    );
    expect(lines).toEqual([
      ".zakenak.yaml:5: releases[0]: has chart and manifests; use exactly one of chart, manifests or kustomize",
      ".zakenak.yaml:8: releases[1]: needs one of chart, manifests or kustomize",
    ]);
  });

  it("refuses values files on a release without a chart", () => {
    expect(problems(`${ENVS}releases:\n  - name: m\n    manifests: m\n    values: [v.yaml]\n`)).toEqual([
      ".zakenak.yaml:7: releases[0].values: values files only apply to a chart",
    ]);
  });

  it("refuses unknown environments in releases[].environments and in env:", () => {
    const lines = problems(
      `${ENVS}releases:\n  - name: a\n    chart: c\n    environments: [dev, staging]\n    env:\n      qa:\n        values: [q.yaml]\n`,
    );
    expect(lines).toEqual([
      '.zakenak.yaml:7: releases[0].environments[1]: unknown environment "staging"',
      '.zakenak.yaml:10: releases[0].env.qa: unknown environment "qa"',
    ]);
  });

  it("refuses paths with `..` and absolute paths, in sources and values files", () => {
    const lines = problems(
      `${ENVS}releases:\n  - name: a\n    chart: charts/../../etc\n    values: [/etc/passwd]\n  - name: b\n    manifests: C:\\\\manifests\n  - name: c\n    kustomize: ..\n`,
    );
    expect(lines).toEqual([
      ".zakenak.yaml:6: releases[0].chart: must stay inside the repository (no '..')",
      ".zakenak.yaml:7: releases[0].values[0]: must be relative to the repository root",
      ".zakenak.yaml:9: releases[1].manifests: must be relative to the repository root",
      ".zakenak.yaml:11: releases[2].kustomize: must stay inside the repository (no '..')",
    ]);
  });

  it("refuses an unknown rule in policy.rules, listing the known ones", () => {
    expect(problems(`${ENVS}policy:\n  rules:\n    privileged-containers: warning\n`, RULES)).toEqual([
      ".zakenak.yaml:6: policy.rules.privileged-containers: unknown rule (known: privileged-container, plain-secret)",
    ]);
  });

  it("refuses an unknown severity for a known rule", () => {
    const [line] = problems(`${ENVS}policy:\n  rules:\n    plain-secret: loud\n`, RULES);
    expect(line).toBe(
      '.zakenak.yaml:6: policy.rules.plain-secret: expected one of "off", "error", "warning", "info"',
    );
  });
});

describe("parseConfig: hostile and malformed YAML", () => {
  it("refuses a billion-laughs alias bomb quickly with a clear error", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const text = `${ENVS}${levels.join("\n")}\n`;
    const started = performance.now();
    const err = errorOf(text);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(err.code).toBe("yaml-invalid");
    expect(err.message).toBe(
      ".zakenak.yaml: too many YAML alias expansions (more than 100); refusing a possible alias bomb",
    );
  });

  it("accepts a few ordinary aliases", () => {
    const config = parseConfig(
      `environments:\n  - &dev { name: dev }\nreleases:\n  - name: a\n    manifests: m\n    environments: [dev]\n`,
    );
    expect(config.releases[0]?.environments).toEqual(["dev"]);
  });

  it.each([
    ["a nested mapping on one line", `${ENVS}releases:\n  - name: app: x\n    chart: c\n`, 5],
    ["a mis-indented key", `${ENVS}releases:\n  - name: app\n   chart: c\n`, 6],
    ["a duplicate key", `${ENVS}policy: {}\npolicy: {}\n`, 5],
    ["a tab used as indentation", `environments:\n\t- name: dev\n`, 2],
  ])("names the file and line of %s", (_what, text, line) => {
    const err = errorOf(text);
    expect(err.code).toBe("yaml-invalid");
    expect(err.message).toMatch(new RegExp(`^\\.zakenak\\.yaml:${line}: invalid YAML: `));
    expect(err.message).not.toContain("\n");
  });

  it("treats an empty file as a config without environments", () => {
    expect(problems("")).toEqual([".zakenak.yaml: environments: required (expected array)"]);
  });
});
