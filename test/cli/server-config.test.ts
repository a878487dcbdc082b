import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/repo-fixtures.js";
import { expectOneLineError, runCli } from "../support/run-cli.js";
import { tempRepo } from "../support/temp-repo.js";

const repo = tempRepo({
  ".zakenak.yaml":
    "environments:\n  - name: dev\n    branch: develop\n  - name: prod\n    tag: 'v*'\n    kubeContext: prod\n",
});
const cache = tempDir("zakenak-server-config-cache-");
const serverConfig = join(cache.dir, "server.yaml");
writeFileSync(
  serverConfig,
  "repositories:\n  - match: acme/*\n    environments:\n      dev: { kubeContext: dev-cluster }\n      prod: { kubeContext: prod-cluster }\n",
);

afterAll(() => {
  repo.cleanup();
  cache.cleanup();
});

const zakenak = (...argv: string[]) => runCli(argv, { cwd: repo.dir, cacheDir: cache.dir });

describe("the CLI with --server-config, for operators who want the bot's checks", () => {
  it("refuses an environment the server configuration does not grant the repository", async () => {
    const out = await zakenak(
      "apply",
      "--env",
      "dev",
      "--server-config",
      serverConfig,
      "--repository",
      "other/x",
    );
    expect(out.code).toBe(1);
    expectOneLineError(out.stderr, "[environment-not-granted]", "dev");
  });

  it("refuses a kube context other than the granted one, from .zakenak.yaml or --context", async () => {
    const declared = await zakenak(
      "unlock",
      "--env",
      "prod",
      "--server-config",
      serverConfig,
      "--repository",
      "acme/x",
    );
    expect(declared.code).toBe(1);
    expectOneLineError(
      declared.stderr,
      "[kube-context-not-granted]",
      'names kube context "prod"',
      '"prod-cluster"',
    );
    const flag = await zakenak(
      "unlock",
      "--env",
      "dev",
      "--context",
      "elsewhere",
      "--server-config",
      serverConfig,
      "--repository",
      "acme/x",
    );
    expect(flag.code).toBe(1);
    expectOneLineError(flag.stderr, "[kube-context-not-granted]", "--context elsewhere", '"dev-cluster"');
  });

  it("asks for the repository name the entries are matched against", async () => {
    const out = await zakenak("apply", "--env", "dev", "--server-config", serverConfig);
    expect(out.code).toBe(1);
    expectOneLineError(out.stderr, "--server-config needs --repository OWNER/NAME");
  });
});
