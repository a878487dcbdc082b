import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { acquireLock } from "../../src/applying/lock/acquire-lock.js";
import { readLock } from "../../src/applying/lock/read-lock.js";
import { replyMarker } from "../../src/commands/command-reply.js";
import { PLAN_MARKER } from "../../src/commands/plan-comment.js";
import type { HostEvent } from "../../src/hosts/host-event.js";
import { applyJobId } from "../../src/queue/apply-job.js";
import { uniqueName } from "../support/cluster-kit.js";
import { botComments, commentEvent, pushEvent } from "./bot-events.js";
import { configMapYaml, zakenakYaml } from "./repo-files.js";
import {
  type BotUnderTest,
  botUnderTest,
  createTestRepo,
  type TestRepo,
  useWorldAndCluster,
} from "./worker-kit.js";

const shared = useWorldAndCluster();

describe("comment commands", () => {
  const dev = uniqueName("dev");
  const prod = uniqueName("prod");
  const ns = uniqueName("shop");
  let bot: BotUnderTest;
  let repo: TestRepo;
  let number: number;
  const revisionShas: string[] = [];

  /** Delivers a comment and returns the job's outcome and the bot's reply to it. */
  async function command(author: string, body: string) {
    const event = commentEvent(repo, number, author, body) as Extract<HostEvent, { type: "comment" }>;
    const job = await bot.finished((await bot.deliver(event)).jobId);
    const replies = await botComments(shared.world, repo, number, replyMarker(event.commentId));
    return { job, replies, reply: replies[0]?.body ?? "" };
  }

  beforeAll(async () => {
    bot = botUnderTest(shared.world);
    repo = await createTestRepo(shared.world, {
      ".zakenak.yaml": zakenakYaml(dev, prod),
      "manifests/app/app.yaml": configMapYaml(ns, "settings", { color: "blue" }),
    });
    await bot.start();
    // Two deploys to dev, so there is history to show and a revision to go back to.
    for (const color of ["green", "red"]) {
      const { commitSha } = await shared.world.admin.putFiles({
        owner: repo.owner,
        repo: repo.name,
        branch: "develop",
        files: { "manifests/app/app.yaml": configMapYaml(ns, "settings", { color }) },
        message: color,
      });
      const push = await bot.deliver(pushEvent(repo, "develop", commitSha, shared.world.writer.username));
      const apply = await bot.finished(applyJobId({ parentJobId: push.jobId, environment: dev }));
      expect(apply.returnvalue).toMatchObject({ result: "succeeded" });
      revisionShas.push(commitSha);
    }
    // The pull request tries to lower the rollback permission: the policy must come from main.
    await shared.world.admin.putFiles({
      owner: repo.owner,
      repo: repo.name,
      branch: "develop",
      newBranch: "feature",
      files: {
        ".zakenak.yaml": zakenakYaml(dev, prod).replace("rollback: write", "rollback: read"),
        "manifests/app/app.yaml": configMapYaml(ns, "settings", { color: "purple" }),
      },
      message: "Purple, and anyone may roll back",
    });
    number = (
      await shared.world.admin.openPullRequest({
        owner: repo.owner,
        repo: repo.name,
        head: "feature",
        base: "develop",
      })
    ).number;
  });

  afterAll(async () => {
    await bot?.close();
  });

  it("answers /help and @zakenak help with the usage", async () => {
    for (const body of ["/help", "Some context first.\n\n@zakenak help"]) {
      const { job, replies, reply } = await command(shared.world.reader.username, body);
      expect(job.returnvalue).toEqual({ result: "done", command: "help" });
      expect(replies).toHaveLength(1);
      expect(reply).toContain("`/rollback [env] [to <revision>]`");
      expect(reply).toContain("`/unlock [env]`");
    }
  });

  it("replies with the usage to an unknown command or bad arguments", async () => {
    const unknown = await command(shared.world.writer.username, "/deploy now");
    expect(unknown.job.returnvalue).toEqual({ result: "invalid" });
    expect(unknown.reply).toContain("unknown command `/deploy`");
    expect(unknown.reply).toContain("**Usage**");
    const bad = await command(shared.world.writer.username, "/rollback to yesterday");
    expect(bad.reply).toContain("revision must be a positive whole number, not `yesterday`");
    const env = await command(shared.world.writer.username, "/history staging");
    expect(env.reply).toContain(`unknown environment \`staging\` (known: ${dev}, ${prod})`);
  });

  it("ignores comments without a command and the bot's own comments", async () => {
    expect(
      (await command(shared.world.writer.username, "Looks good, see /docs/setup.md")).job.returnvalue,
    ).toEqual({
      result: "ignored",
      reason: "no command",
    });
    expect((await command(shared.world.bot.username, "/help")).job.returnvalue).toEqual({
      result: "ignored",
      reason: "own comment",
    });
    const flagged = { ...commentEvent(repo, number, "renovate", "/help"), authorIsBot: true } as HostEvent;
    const job = await bot.finished((await bot.deliver(flagged)).jobId);
    expect(job.returnvalue).toEqual({ result: "ignored", reason: "author is a bot" });
  });

  it("refuses a command the commenter lacks permission for, naming both levels, by the default branch's policy", async () => {
    const { job, reply } = await command(shared.world.reader.username, "/rollback");
    expect(job.returnvalue).toEqual({ result: "refused", command: "rollback" });
    expect(reply).toContain(
      `@${shared.world.reader.username}, \`/rollback\` needs **write** permission on this repository; you have **read**.`,
    );
    const unlock = await command(shared.world.writer.username, `/unlock ${dev}`);
    expect(unlock.reply).toContain("needs **maintain** permission on this repository; you have **write**");
    expect(await listRevisions(shared.client, dev)).toHaveLength(2);
    const audit = await bot.workers[0]?.audit.read({ count: 1 });
    expect(audit?.[0]).toMatchObject({
      action: "unlock",
      actor: shared.world.writer.username,
      environment: dev,
      result: "refused",
      detail: `/unlock ${dev}: needs maintain, has write`,
    });
  });

  it("shows the history of the base branch's environment as a table", async () => {
    const { reply } = await command(shared.world.reader.username, "/history");
    expect(reply).toContain(`### History of \`${dev}\``);
    expect(reply).toContain("| Revision | Result | Trigger | Commit | Ref | Actor | Started | Message |");
    expect(reply).toContain(`| 2 | ✅ succeeded | apply | \`${revisionShas[1]?.slice(0, 12)}\``);
    expect(reply).toContain("🔓 Not locked.");
    expect(reply).not.toContain("color");
  });

  it("rolls back on /rollback, suggests a revert PR, and audits it", async () => {
    const { job, reply } = await command(shared.world.writer.username, "@zakenak rollback");
    expect(job.returnvalue).toEqual({ result: "done", command: "rollback", status: "succeeded" });
    expect(reply).toContain(
      `✅ Rolled \`${dev}\` back to revision **1** (\`${revisionShas[0]?.slice(0, 12)}\`)`,
    );
    expect(reply).toContain("recorded as revision **3**");
    expect(reply).toContain("open a pull request that reverts it");
    const cm = await shared.client.get({
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: ns,
      name: "settings",
    });
    expect(cm?.data).toEqual({ color: "green" });
    expect((await listRevisions(shared.client, dev))[0]).toMatchObject({
      number: 3,
      trigger: "rollback",
      rollbackOf: 1,
      actor: shared.world.writer.username,
    });
    const audit = await bot.workers[0]?.audit.read({ count: 1 });
    expect(audit?.[0]).toMatchObject({ action: "rollback", result: "succeeded", sha: revisionShas[0] });
  });

  it("clears a stuck lock on /unlock", async () => {
    const held = await acquireLock(shared.client, {
      environment: dev,
      holder: "stuck-apply",
      description: "an apply that died",
      leaseSeconds: 600,
    });
    const { reply } = await command(shared.world.gitea.adminUser, `/unlock ${dev}`);
    expect(reply).toContain(`🔓 Unlocked \`${dev}\`; it was held by an apply that died.`);
    expect(await readLock(shared.client, dev)).toBeUndefined();
    await held.release();
    expect((await command(shared.world.gitea.adminUser, `/unlock ${dev}`)).reply).toContain("was not locked");
  });

  it("plans the pull request again on /plan", async () => {
    const { job } = await command(shared.world.reader.username, `/plan ${dev}`);
    expect(job.returnvalue).toEqual({ result: "done", command: "plan", status: "planned" });
    const plan = (await botComments(shared.world, repo, number, PLAN_MARKER))[0]?.body ?? "";
    expect(plan).toContain(`**Affected:** \`${dev}\`.`);
    expect(plan).not.toContain(`\`${prod}\``);
  });
});
