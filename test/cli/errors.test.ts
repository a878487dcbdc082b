import { cpSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { aliasBomb, ONE_ENV_CONFIG, oneEnvRepoFiles } from "../support/cli-fixtures.js";
import { tempDir } from "../support/repo-fixtures.js";
import { expectOneLineError, runCli } from "../support/run-cli.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";

let cache: ReturnType<typeof tempDir>;
let outside: ReturnType<typeof tempDir>;
let repo: TempRepo;

beforeAll(() => {
  cache = tempDir("zakenak-cli-cache-");
  outside = tempDir("zakenak-outside-");
});
afterAll(() => {
  cache.cleanup();
  outside.cleanup();
});
beforeEach(() => {
  repo = tempRepo(oneEnvRepoFiles());
  repo.commit("base");
  return () => repo.cleanup();
});

const cli = (...argv: string[]) => runCli(argv, { cwd: repo.dir, cacheDir: cache.dir });
const withRelease = (lines: string) => ONE_ENV_CONFIG.replace("    chart: charts/app\n", lines);

describe("bad inputs: exit 1 and one line on stderr, no stack trace", () => {
  it("a chart that does not exist", async () => {
    repo.write({ ".zakenak.yaml": withRelease("    chart: charts/missing\n") });
    const r = await cli("plan");
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, "chart of release app", "charts/missing", "does not exist");
  });

  it("a values file that does not exist", async () => {
    repo.write({ ".zakenak.yaml": withRelease("    chart: charts/app\n    values: [values/nope.yaml]\n") });
    const r = await cli("plan");
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, "values file of release app (environment dev)", "values/nope.yaml");
  });

  it("a chart path that leaves the repository through a symlink", async () => {
    cpSync(join(repo.dir, "charts/app"), join(outside.dir, "app"), { recursive: true });
    symlinkSync(join(outside.dir, "app"), join(repo.dir, "charts/elsewhere"));
    repo.write({ ".zakenak.yaml": withRelease("    chart: charts/elsewhere\n") });
    const r = await cli("plan");
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, "charts/elsewhere", "leaves the repository");
  });

  it("a chart path with `..` in .zakenak.yaml: the file, line and key path", async () => {
    repo.write({ ".zakenak.yaml": withRelease("    chart: ../outside\n") });
    const r = await cli("plan");
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("    at ");
    // Config errors list every problem under one header line.
    expect(r.stderr).toBe(
      "zakenak: invalid .zakenak.yaml:\n  .zakenak.yaml:6: releases[0].chart: must stay inside the repository (no '..')\n",
    );
  });

  it("malformed YAML in .zakenak.yaml", async () => {
    repo.write({ ".zakenak.yaml": "environments:\n  - name: dev\n  name: [oops\n" });
    const r = await cli("plan");
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, ".zakenak.yaml", "invalid YAML");
  });

  it("a YAML alias bomb in .zakenak.yaml, refused quickly", async () => {
    repo.write({ ".zakenak.yaml": `${ONE_ENV_CONFIG}${aliasBomb()}` });
    const started = performance.now();
    const r = await cli("validate");
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, ".zakenak.yaml", "alias");
  });

  it("no .zakenak.yaml at all", async () => {
    repo.remove(".zakenak.yaml");
    const r = await cli("plan");
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, "no .zakenak.yaml at the root of");
  });

  it.each([
    ["--base", "no-such-branch"],
    ["--head", "v0.0.0-missing"],
  ])("a ref that does not exist (%s %s)", async (flag, ref) => {
    const r = await cli("plan", flag, ref);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, `git ref "${ref}" does not exist`);
  });

  it("a ref that does not exist for validate --ref", async () => {
    const r = await cli("validate", "--ref", "nope");
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, 'git ref "nope"');
  });

  it("an unknown option", async () => {
    const r = await cli("plan", "--bogus");
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, "--bogus");
  });

  it("an option without its value", async () => {
    const r = await cli("plan", "--base");
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, "--base");
  });

  it.each([["plan"], ["validate"]])("%s --format xml", async (command) => {
    const r = await cli(command, "--format", "xml");
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, "--format must be one of");
  });

  it("an unknown environment", async () => {
    const r = await cli("plan", "--env", "staging");
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, 'unknown environment "staging"');
  });

  it("a --repo that does not exist", async () => {
    const r = await cli("plan", "--repo", "no/such/dir");
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, "no/such/dir");
  });

  it("an unknown command, with usage", async () => {
    const r = await cli("deploy");
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe('zakenak: unknown command "deploy"');
    expect(r.stderr).toContain("Usage: zakenak <command> [options]");
  });
});

describe("--debug", () => {
  it("prints the stack trace, then the one-line error", async () => {
    const r = await cli("plan", "--base", "no-such-branch", "--debug");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ZakenakError");
    expect(r.stderr).toMatch(/\n {4}at /);
    expect(r.stderr).toContain('zakenak: git ref "no-such-branch" does not exist');
  });
});

describe("help and version", () => {
  it("prints usage for help (exit 0) and without a command (exit 1)", async () => {
    const help = await cli("help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: zakenak");
    expect((await cli()).code).toBe(1);
  });

  it("prints the version", async () => {
    const r = await cli("--version");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^zakenak \d+\.\d+\.\d+ \(node v\d+/);
  });
});
