import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolPath } from "../../src/tools/tool-path.js";
import { oneEnvRepoFiles } from "../support/cli-fixtures.js";
import { realHelm } from "../support/counting-helm.js";
import { tempDir } from "../support/repo-fixtures.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";

const BIN = fileURLToPath(new URL("../../bin/zakenak.js", import.meta.url));
const BUILT = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

let repo: TempRepo;
let cache: ReturnType<typeof tempDir>;

beforeAll(() => {
  // scripts/test.sh builds before running the tests; run `npm run build` first when running this alone.
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first`);
  repo = tempRepo(oneEnvRepoFiles());
  repo.commit("base");
  repo.write({ "charts/app/values.yaml": "replicas: 2\nimage: nginx:1.27.0\ngreeting: hello\n" });
  cache = tempDir("zakenak-bin-cache-");
});
afterAll(() => {
  repo.cleanup();
  cache.cleanup();
});

function zakenak(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: repo.dir,
    encoding: "utf8",
    // ZAKENAK_CACHE_DIR also moves where helm and kubectl are looked up, so name them explicitly.
    env: {
      ...process.env,
      ZAKENAK_CACHE_DIR: cache.dir,
      ZAKENAK_HELM: realHelm(),
      ZAKENAK_KUBECTL: toolPath("kubectl"),
      NO_COLOR: "1",
    },
    timeout: 60_000,
  });
}

describe("bin/zakenak.js as a real process", () => {
  it("plans: exit 2 with the JSON plan on stdout and nothing on stderr", () => {
    const r = zakenak("plan", "--format", "json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(2);
    const plan = JSON.parse(r.stdout);
    expect(plan.summary).toMatchObject({ create: 0, update: 1, delete: 0, errors: 0 });
  });

  it("fails on a bad option: exit 1, one line on stderr, nothing on stdout", () => {
    const r = zakenak("plan", "--format", "xml");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("zakenak: --format must be one of text, markdown, json\n");
  });
});
