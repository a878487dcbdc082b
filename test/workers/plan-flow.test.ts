import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAN_MARKER } from "../../src/commands/plan-comment.js";
import { BACKOFF_STRATEGY } from "../../src/queue/backoff.js";
import { waitFor } from "../support/cluster-kit.js";
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

describe("pull request plans", () => {
  let bot: BotUnderTest;
  let repo: TestRepo;
  let number: number;
  let firstHead: string;

  beforeAll(async () => {
    bot = botUnderTest(world);
    repo = await createTestRepo(world, {
      ".zakenak.yaml": zakenakYaml("dev", "prod"),
      "manifests/app/app.yaml": configMapYaml("shop", "settings", { color: "blue" }),
    });
    await world.admin.putFiles({
      owner: repo.owner,
      repo: repo.name,
      branch: "develop",
      newBranch: "feature",
      files: { "manifests/app/app.yaml": configMapYaml("shop", "settings", { color: "green" }) },
      message: "Green",
    });
    const pr = await world.admin.openPullRequest({
      owner: repo.owner,
      repo: repo.name,
      head: "feature",
      base: "develop",
    });
    number = pr.number;
    firstHead = pr.head.sha;
  });

  afterAll(async () => {
    await bot?.close();
  });

  it("processes a redelivered webhook once: one job, one plan comment, one run of statuses", async () => {
    const event = await pullRequestEvent(world, repo, number);
    const first = await bot.deliver(event, "delivery-1");
    const again = await bot.deliver(event, "delivery-1");
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    await bot.start({ concurrency: 4 });
    const job = await bot.finished(first.jobId);
    expect(await job.getState()).toBe("completed");
    expect(job.returnvalue).toMatchObject({ result: "planned", affected: ["dev", "prod"], valid: true });

    // A redelivery after the job finished is dropped too.
    expect((await bot.deliver(event, "delivery-1")).duplicate).toBe(true);
    expect(await bot.queue.getJobCounts("waiting", "active", "delayed")).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
    });

    const comments = await botComments(world, repo, number, PLAN_MARKER);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? "";
    expect(body.startsWith(PLAN_MARKER)).toBe(true);
    expect(body).toContain(firstHead.slice(0, 12));
    expect(body).toContain("**Affected:** `dev`, `prod`.");
    expect(body).toContain("ConfigMap shop/settings");
    // The cluster answers here, so the comment also compares the head with the live objects.
    const cluster = body.slice(body.indexOf("### Cluster view"));
    expect(body.indexOf("### Cluster view")).toBeGreaterThan(body.indexOf("ConfigMap shop/settings"));
    expect(cluster).toMatch(/\|\s*`?dev`?\s*\|/);
    expect(cluster).toMatch(/\|\s*`?prod`?\s*\|/);
    expect(cluster).not.toContain("cluster not reachable");

    const all = (
      await world.admin.commitStatuses({ owner: repo.owner, repo: repo.name, ref: firstHead })
    ).sort((a, b) => a.id - b.id);
    // pending then success, once per environment: the handler ran once.
    expect(all.filter((s) => s.context === "zakenak/plan: dev").map((s) => s.status)).toEqual([
      "pending",
      "success",
    ]);
    expect(all.filter((s) => s.context === "zakenak/plan: prod")).toHaveLength(2);
    const newest = await statusesOf(world, repo, firstHead);
    expect(newest.get("zakenak/plan: dev")?.description).toBe("0 to create, 1 to change, 0 to delete");
  });

  it("lets a newer head supersede an older plan, even when the old plan runs last", async () => {
    const { commitSha: newHead } = await world.admin.putFiles({
      owner: repo.owner,
      repo: repo.name,
      branch: "feature",
      files: { "manifests/app/app.yaml": configMapYaml("shop", "settings", { color: "red" }) },
      message: "Red",
    });
    await waitFor("Gitea to see the new head", async () => {
      const pr = await world.admin.getPullRequest({ owner: repo.owner, repo: repo.name, number });
      return pr.head.sha === newHead;
    });
    const newer = await bot.deliver(await pullRequestEvent(world, repo, number, "pr-updated"));
    expect((await bot.finished(newer.jobId)).returnvalue).toMatchObject({ result: "planned" });

    // The old head's delivery arrives late (after the newer plan finished).
    const stale = await bot.deliver({
      type: "pr-updated",
      repo: repo.ref,
      number,
      headSha: firstHead,
      headBranch: "feature",
      baseBranch: "develop",
      sender: world.writer.username,
    });
    const staleJob = await bot.finished(stale.jobId);
    expect(staleJob.returnvalue).toEqual({ result: "superseded", current: newHead });

    const comments = await botComments(world, repo, number, PLAN_MARKER);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain(newHead.slice(0, 12));
    expect(comments[0]?.body).not.toContain(firstHead.slice(0, 12));
    expect(comments[0]?.body).toContain("+  color: red");
  });

  it("drops an older head's job early when a job enqueued after it already brought a newer head", async () => {
    const pr = await world.admin.getPullRequest({ owner: repo.owner, repo: repo.name, number });
    // Enqueued first but runs last (as a retried or delayed job would), with the old head.
    await bot.queue.add(
      "pr-updated",
      {
        id: "late-old-head",
        host: "gitea",
        event: {
          type: "pr-updated",
          repo: repo.ref,
          number,
          headSha: firstHead,
          headBranch: "feature",
          baseBranch: "develop",
          sender: "someone",
        },
      },
      { jobId: "gitea.late-old-head", delay: 1_500, attempts: 3, backoff: { type: BACKOFF_STRATEGY } },
    );
    const current = await bot.deliver(await pullRequestEvent(world, repo, number, "pr-updated"));
    expect((await bot.finished(current.jobId)).returnvalue).toMatchObject({ result: "planned" });
    const late = await bot.finished("gitea.late-old-head");
    expect(late.returnvalue).toEqual({ result: "superseded", current: pr.head.sha });
    expect(
      bot.logs.lines.some(
        (l) => l.jobId === "gitea.late-old-head" && l.msg === "skipped: a newer head of this PR was seen",
      ),
    ).toBe(true);
    const comments = await botComments(world, repo, number, PLAN_MARKER);
    expect(comments[0]?.body).toContain(pr.head.sha.slice(0, 12));
  });

  it("says on the plan comment that a PR closed without merging will not deploy", async () => {
    await world.admin.request("PATCH", `repos/${repo.owner}/${repo.name}/pulls/${number}`, {
      body: { state: "closed" },
    });
    const base = await pullRequestEvent(world, repo, number);
    const closed = await bot.deliver({ ...base, type: "pr-closed", merged: false } as typeof base);
    expect((await bot.finished(closed.jobId)).returnvalue).toEqual({ result: "updated" });
    const comments = await botComments(world, repo, number, PLAN_MARKER);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain("was closed without merging");
    expect(comments[0]?.body).not.toContain("ConfigMap shop/settings");
  });
});
