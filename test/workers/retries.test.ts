import { connect, createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAN_MARKER } from "../../src/commands/plan-comment.js";
import { freePorts } from "../../src/control-plane/free-ports.js";
import { createGiteaHost } from "../../src/hosts/gitea/gitea-host.js";
import { waitFor } from "../support/cluster-kit.js";
import { botComments, pullRequestEvent } from "./bot-events.js";
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

/** A plain TCP relay from `port` to Gitea: the bot's host is unreachable until it listens. */
function relay(port: number, target: number): Promise<Server> {
  const server = createServer((socket) => {
    const upstream = connect(target, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

async function openPullRequest(repo: TestRepo, files: Record<string, string>): Promise<number> {
  await world.admin.putFiles({
    owner: repo.owner,
    repo: repo.name,
    branch: "develop",
    newBranch: "feature",
    files,
    message: "Change",
  });
  return (
    await world.admin.openPullRequest({
      owner: repo.owner,
      repo: repo.name,
      head: "feature",
      base: "develop",
    })
  ).number;
}

describe("retries", () => {
  let bot: BotUnderTest;
  let server: Server | undefined;

  afterAll(async () => {
    await bot?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it("retries a transient host failure with jittered exponential backoff, then succeeds", async () => {
    const [port = 0] = await freePorts(1);
    bot = botUnderTest(world, {
      // The host answers nothing at first: a connection refused is a transient failure.
      hostFor: () => createGiteaHost({ url: `http://127.0.0.1:${port}`, token: world.bot.token }),
      backoff: { baseMs: 200, maxMs: 2_000 },
    });
    const repo = await createTestRepo(world, {
      ".zakenak.yaml": zakenakYaml("dev", "prod"),
      "manifests/app/app.yaml": configMapYaml("shop", "settings", { color: "blue" }),
    });
    const number = await openPullRequest(repo, {
      "manifests/app/app.yaml": configMapYaml("shop", "settings", { color: "green" }),
    });
    await bot.start();
    const { jobId } = await bot.deliver(await pullRequestEvent(world, repo, number));

    const retries = () =>
      bot.logs.lines.filter((l) => l.jobId === jobId && l.msg === "retrying after backoff");
    await waitFor("three retries", () => retries().length >= 3, { timeoutMs: 30_000 });
    server = await relay(port, Number(new URL(world.gitea.url).port));
    const job = await bot.finished(jobId);

    expect(await job.getState()).toBe("completed");
    expect(job.returnvalue).toMatchObject({ result: "planned" });
    expect(job.attemptsMade).toBeGreaterThanOrEqual(4);
    const failures = bot.logs.lines.filter((l) => l.jobId === jobId && l.msg === "job failed; will retry");
    expect(failures[0]?.err).toContain("no response");
    const delays = retries().map((l) => l.delayMs as number);
    // Full jitter: each delay is drawn below a ceiling that doubles per attempt.
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(Math.min(2_000, 200 * 2 ** i));
    });
    expect(new Set(delays).size).toBeGreaterThan(1);
    expect(await botComments(world, repo, number, PLAN_MARKER)).toHaveLength(1);
  });

  it("fails a permanent error at once with one failure status and the error in the comment", async () => {
    const repo = await createTestRepo(world, {
      ".zakenak.yaml": zakenakYaml("dev", "prod"),
      "manifests/app/app.yaml": configMapYaml("shop", "settings", { color: "blue" }),
    });
    const number = await openPullRequest(repo, {
      ".zakenak.yaml": `${zakenakYaml("dev", "prod")}rollout: fast\n`,
    });
    const { jobId } = await bot.deliver(await pullRequestEvent(world, repo, number));
    const job = await bot.finished(jobId);

    expect(await job.getState()).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain('unknown key "rollout"');
    const head = (await world.admin.getPullRequest({ owner: repo.owner, repo: repo.name, number })).head.sha;
    const statuses = await world.admin.commitStatuses({ owner: repo.owner, repo: repo.name, ref: head });
    expect(statuses.map((s) => [s.context, s.status])).toEqual([["zakenak/plan", "failure"]]);
    expect(statuses[0]?.description).toContain(".zakenak.yaml");
    const comments = await botComments(world, repo, number, PLAN_MARKER);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain("failed; nothing was planned");
    expect(comments[0]?.body).toContain('unknown key "rollout"');
  });
});
