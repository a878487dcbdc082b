import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAN_MARKER } from "../../src/commands/plan-comment.js";
import { type OciRegistry, pushImageManifest, startOciRegistry } from "../support/oci-registry.js";
import { botComments, pullRequestEvent, statusesOf } from "../workers/bot-events.js";
import { webManifests, zakenakYaml } from "../workers/repo-files.js";
import {
  type BotUnderTest,
  botUnderTest,
  createTestRepo,
  type GiteaWorld,
  startGiteaWorld,
} from "../workers/worker-kit.js";

const PASSWORD = "bot-image-pass-3";

describe("the bot's pull request plan looks images up in a real registry", () => {
  let world: GiteaWorld;
  let registry: OciRegistry;
  let bot: BotUnderTest;

  beforeAll(async () => {
    [world, registry] = await Promise.all([
      startGiteaWorld(),
      startOciRegistry({ auth: { username: "ci", password: PASSWORD } }),
    ]);
    await pushImageManifest(registry, "team/web", "1.0.0");
    bot = botUnderTest(world, {
      images: {
        registries: [{ host: registry.host, username: "ci", password: PASSWORD, plainHttp: true }],
        timeoutMs: 5_000,
        concurrency: 4,
      },
    });
  }, 300_000);
  afterAll(async () => {
    await bot?.close();
    await Promise.all([world?.stop(), registry?.stop()]);
  });

  it("fails the plan's status and names the image in the comment when a tag is missing", async () => {
    const repo = await createTestRepo(world, {
      ".zakenak.yaml": zakenakYaml("dev", "prod"),
      "manifests/app/app.yaml": webManifests("shop", `${registry.host}/team/web:1.0.0`),
    });
    const missing = `${registry.host}/team/web:1.0.1`;
    await world.admin.putFiles({
      owner: repo.owner,
      repo: repo.name,
      branch: "develop",
      newBranch: "bump",
      files: { "manifests/app/app.yaml": webManifests("shop", missing) },
      message: "Bump web",
    });
    const pr = await world.admin.openPullRequest({
      owner: repo.owner,
      repo: repo.name,
      head: "bump",
      base: "develop",
    });
    await bot.start({ concurrency: 2 });
    const { jobId } = await bot.deliver(await pullRequestEvent(world, repo, pr.number));
    const job = await bot.finished(jobId);
    expect(job.returnvalue).toMatchObject({ result: "planned", valid: false });

    const [comment] = await botComments(world, repo, pr.number, PLAN_MARKER);
    expect(comment?.body).toContain("image-missing");
    expect(comment?.body).toContain(`tag 1.0.1 not found in ${registry.host}/team/web`);
    expect(comment?.body).not.toContain(PASSWORD);
    const statuses = await statusesOf(world, repo, pr.head.sha);
    expect(statuses.get("zakenak/plan: dev")?.status).toBe("failure");
  });
});
