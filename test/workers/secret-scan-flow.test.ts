import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAN_MARKER } from "../../src/commands/plan-comment.js";
import { expectNoSecret, leakyValues, plantSecrets } from "../validation/planted-secrets.js";
import { botComments, pullRequestEvent, statusesOf } from "./bot-events.js";
import { configMapYaml, zakenakYaml } from "./repo-files.js";
import {
  type BotUnderTest,
  botUnderTest,
  createTestRepo,
  type GiteaWorld,
  startGiteaWorld,
  type TestRepo,
} from "./worker-kit.js";

let world: GiteaWorld;

beforeAll(async () => {
  world = await startGiteaWorld();
}, 300_000);

afterAll(async () => {
  await world?.stop();
});

describe("secrets in a pull request", () => {
  const planted = plantSecrets();
  const older = plantSecrets();
  const values = leakyValues(planted);
  // The default branch's own allowlist: docs may hold examples.
  const trusted = `${zakenakYaml("dev", "prod")}  secretScan:\n    ignorePaths: ["docs/**"]\n`;
  // The pull request tries to allowlist and switch off what it adds; only the default branch decides.
  const prConfig = `${zakenakYaml("dev", "prod")}  rules:\n    secret-in-change: "off"\n  secretScan:\n    ignorePaths: ["docs/**", "helm-charts/**", "vendor/**"]\n`;
  let bot: BotUnderTest;
  let repo: TestRepo;

  beforeAll(async () => {
    bot = botUnderTest(world);
    repo = await createTestRepo(world, {
      ".zakenak.yaml": trusted,
      "manifests/app/app.yaml": configMapYaml("shop", "settings", { color: "blue" }),
      "legacy/values.yaml": `token: ${older.token}\n`,
    });
    await bot.start();
  });

  afterAll(async () => {
    await bot?.close();
  });

  it("are reported by file and line on the plan comment and fail the statuses, with no value anywhere", async () => {
    await world.admin.putFiles({
      owner: repo.owner,
      repo: repo.name,
      branch: "develop",
      newBranch: "leak",
      files: {
        ".zakenak.yaml": prConfig,
        "manifests/app/app.yaml": configMapYaml("shop", "settings", { color: "green" }),
        "helm-charts/x/values.yaml": values.text,
        "vendor/keys.yaml": `database:\n  password: ${planted.password}\n`,
        "docs/example.md": `An example token: ${planted.token}\n`,
      },
      message: "Leak",
    });
    const pr = await world.admin.openPullRequest({
      owner: repo.owner,
      repo: repo.name,
      head: "leak",
      base: "develop",
    });
    const job = await bot.finished((await bot.deliver(await pullRequestEvent(world, repo, pr.number))).jobId);
    expect(job.failedReason).toBeUndefined();
    expect(job.returnvalue).toMatchObject({ result: "planned", valid: false });

    const [comment] = await botComments(world, repo, pr.number, PLAN_MARKER);
    const body = comment?.body ?? "";
    for (const line of [values.keyLine, values.tokenLine, values.passwordLine]) {
      expect(body).toContain(`helm-charts/x/values.yaml:${line}`);
    }
    expect(body).toContain("vendor/keys.yaml:2");
    expect(body).toContain("secret-in-change");
    expect(body).toContain("a GitHub Token");
    // Allowlisted by the default branch; already in the base.
    expect(body).not.toContain("docs/example.md");
    expect(body).not.toContain("legacy/values.yaml");
    expectNoSecret(body, planted, "the plan comment");
    expectNoSecret(body, older, "the plan comment");

    const statuses = await statusesOf(world, repo, pr.head.sha);
    for (const env of ["dev", "prod"]) {
      const status = statuses.get(`zakenak/plan: ${env}`);
      expect(status?.status).toBe("failure");
      expectNoSecret(status?.description ?? "", planted, "a commit status");
    }
    expectNoSecret(JSON.stringify(bot.logs.lines), planted, "the logs");
    expectNoSecret(JSON.stringify([job.data, job.returnvalue]), planted, "the job");
  });
});
