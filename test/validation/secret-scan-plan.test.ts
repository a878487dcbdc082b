import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { configMapYaml, tempDir } from "../support/repo-fixtures.js";
import { runCli } from "../support/run-cli.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";
import { expectNoSecret, leakyValues, type PlantedSecrets, plantSecrets } from "./planted-secrets.js";

const config = (policy = "") => `environments:
  - name: dev
  - name: prod
releases:
  - name: app
    namespace: apps
    manifests: manifests
${policy}`;

const LEAK = "helm-charts/x/values.yaml";

let cache: ReturnType<typeof tempDir>;
let repo: TempRepo;
let planted: PlantedSecrets;
let older: PlantedSecrets;
let values: ReturnType<typeof leakyValues>;

beforeAll(() => {
  cache = tempDir("zakenak-cli-cache-");
});
afterAll(() => cache.cleanup());
beforeEach(() => {
  planted = plantSecrets();
  older = plantSecrets();
  values = leakyValues(planted);
  repo = tempRepo({
    ".zakenak.yaml": config(),
    "manifests/settings.yaml": configMapYaml("settings", { color: "blue" }),
    // Already in the base: the change does not touch it, so it is not the change's to report.
    "legacy/old-values.yaml": `token: ${older.token}\n`,
  });
  repo.commit("base");
  repo.git("checkout", "-q", "-b", "feature");
  repo.write({
    "manifests/settings.yaml": configMapYaml("settings", { color: "green" }),
    [LEAK]: values.text,
  });
  return () => repo.cleanup();
});

const cli = (...argv: string[]) => runCli(argv, { cwd: repo.dir, cacheDir: cache.dir });

describe("zakenak plan: secrets in the change", () => {
  it("reports each secret the change adds by file and line, in every environment, never its value", async () => {
    repo.commit("leak");
    const json = await cli("plan", "--base", "main", "--head", "feature", "--format", "json");
    expect(json.code).toBe(1);
    expectNoSecret(json.stdout + json.stderr, planted, "the JSON plan");
    const plan = JSON.parse(json.stdout);
    for (const env of plan.environments) {
      expect(env.valid).toBe(false);
      const secrets = env.findings.filter((f: { rule: string }) => f.rule === "secret-in-change");
      expect(secrets.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual([
        `${LEAK}:${values.keyLine}`,
        `${LEAK}:${values.tokenLine}`,
        `${LEAK}:${values.passwordLine}`,
      ]);
    }
    expect(json.stdout).not.toContain("legacy/old-values.yaml");
    expectNoSecret(json.stdout, older, "the JSON plan");

    for (const format of ["text", "markdown"]) {
      const r = await cli("plan", "--base", "main", "--head", "feature", "--format", format);
      expect(r.code).toBe(1);
      expectNoSecret(r.stdout + r.stderr, planted, `the ${format} plan`);
      expect(r.stdout).toContain("secret-in-change");
      expect(r.stdout).toContain(`${LEAK}:${values.tokenLine}`);
      expect(r.stdout).toContain("a GitHub Token");
      expect(r.stdout).not.toContain("legacy/old-values.yaml");
    }
  });

  it("scans the working tree against the merge base, untracked files included", async () => {
    const r = await cli("plan", "--format", "json");
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).environments[0].findings;
    expect(findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual([
      `${LEAK}:${values.keyLine}`,
      `${LEAK}:${values.tokenLine}`,
      `${LEAK}:${values.passwordLine}`,
    ]);
    expectNoSecret(r.stdout + r.stderr, planted);
  });

  it("follows policy.secretScan and the rule's severity in the planned .zakenak.yaml (the CLI trusts its user)", async () => {
    repo.write({
      ".zakenak.yaml": config(
        'policy:\n  secretScan:\n    ignorePaths: ["helm-charts/**"]\n  rules:\n    secret-in-change: warning\n',
      ),
      "docs/setup.md": `Use this token: ${planted.token}\n`,
    });
    const r = await cli("plan", "--format", "json");
    expect(r.code).toBe(2);
    const findings = JSON.parse(r.stdout).environments[0].findings;
    expect(findings).toEqual([
      expect.objectContaining({
        rule: "secret-in-change",
        severity: "warning",
        file: "docs/setup.md",
        line: 1,
      }),
    ]);
    expectNoSecret(r.stdout + r.stderr, planted);
  });

  it("is not part of validate, which checks a revision rather than a change", async () => {
    const r = await cli("validate", "--format", "json");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("secret-in-change");
  });
});
