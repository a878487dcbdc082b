import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { readLock } from "../../src/applying/lock/read-lock.js";
import { applyMarker } from "../../src/commands/apply-comment.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { applyJobId } from "../../src/queue/apply-job.js";
import { connectShared, sharedKubeconfig, uniqueName, waitFor } from "../support/cluster-kit.js";
import { markDeploymentReady } from "../support/fake-controller.js";
import { botComments, pullRequestEvent, pushEvent, statusesOf } from "./bot-events.js";
import { deploymentWithImage, webManifests } from "./repo-files.js";
import {
  type BotUnderTest,
  botUnderTest,
  createTestRepo,
  type GiteaWorld,
  REDIS_PORT,
  startGiteaWorld,
  type TestRepo,
} from "./worker-kit.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ENTRY = fileURLToPath(new URL("./worker-process.ts", import.meta.url));
const HOOKS = new URL("./ts-hooks.mjs", import.meta.url).href;

let world: GiteaWorld;
let client: ConnectedKubeClient;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [world, client] = await Promise.all([startGiteaWorld(), connectShared()]);
}, 300_000);

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await world?.stop();
  client?.close();
});

interface WorkerProcess {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLine(what: string, match: (line: Record<string, unknown>) => boolean): Promise<void>;
}

/** A real worker process on the test's queue, talking to the real Gitea and cluster. */
function spawnWorker(bot: BotUnderTest, opts: { applyWait: boolean; concurrency?: number }): WorkerProcess {
  const config = {
    redisPort: REDIS_PORT,
    giteaUrl: world.gitea.url,
    queueName: bot.queueName,
    prefix: bot.prefix,
    keyPrefix: bot.keyPrefix,
    auditKey: bot.auditKey,
    cacheDir: bot.cacheDir,
    kubeconfig: sharedKubeconfig(),
    applyWait: opts.applyWait,
    concurrency: opts.concurrency ?? 2,
    // Short job locks, so a killed worker's job is found stalled within seconds.
    lockDuration: 2_000,
    stalledInterval: 1_000,
  };
  const child = spawn(
    process.execPath,
    ["--experimental-transform-types", "--no-warnings", "--import", HOOKS, ENTRY],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ZAKENAK_TEST_WORKER: JSON.stringify(config),
        ZAKENAK_TEST_GITEA_TOKEN: world.bot.token,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  let buffered = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    for (const part of parts) {
      if (process.env.ZAKENAK_TEST_LOGS) console.log(part);
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>);
      } catch {
        lines.push({ msg: part });
      }
    }
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    lines,
    exited,
    waitForLine: async (what, match) => {
      await waitFor(
        what,
        () => {
          if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}): ${stderr}`);
          return lines.some(match);
        },
        { timeoutMs: 60_000 },
      );
    },
  };
}

describe("worker processes", () => {
  const dev = uniqueName("dev");
  const ns = uniqueName("web");
  let bot: BotUnderTest;
  let repo: TestRepo;

  /** Merges a pull request that changes the image, and returns the merge commit and PR number. */
  async function mergeImage(image: string): Promise<{ sha: string; number: number }> {
    const branch = uniqueName("change");
    await world.admin.putFiles({
      owner: repo.owner,
      repo: repo.name,
      branch: "develop",
      newBranch: branch,
      files: { "manifests/app/app.yaml": webManifests(ns, image) },
      message: `Run ${image}`,
    });
    const pr = await world.admin.openPullRequest({
      owner: repo.owner,
      repo: repo.name,
      head: branch,
      base: "develop",
    });
    await world.admin.mergePullRequest({ owner: repo.owner, repo: repo.name, number: pr.number });
    const sha = (await world.admin.getBranch({ owner: repo.owner, repo: repo.name, name: "develop" })).commit
      .id;
    return { sha, number: pr.number };
  }

  beforeAll(async () => {
    bot = botUnderTest(world);
    repo = await createTestRepo(world, {
      ".zakenak.yaml": `environments:\n  - name: ${dev}\n    branch: develop\n    healthTimeoutSeconds: 300\nreleases:\n  - name: app\n    manifests: manifests/app\n`,
      "manifests/app/app.yaml": webManifests(ns, "nginx:1.27.0"),
    });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it("finishes a job whose worker was killed mid-apply in another worker, with the same end state and one comment", async () => {
    const first = spawnWorker(bot, { applyWait: true });
    await first.waitForLine("the first worker to start", (l) => l.msg === "workers started");
    const { sha, number } = await mergeImage("nginx:1.27.1");
    const push = await bot.deliver(pushEvent(repo, "develop", sha, world.writer.username));
    const applyId = applyJobId({ parentJobId: push.jobId, environment: dev });

    // Killed while it holds the environment lock and waits for health, its revision in progress.
    await deploymentWithImage(client, ns, "nginx:1.27.1");
    await waitFor("the revision to be in progress", async () =>
      (await listRevisions(client, dev)).some((r) => r.sha === sha && r.result === "in-progress"),
    );
    expect((await readLock(client, dev))?.holder).toBe(`job/${applyId}`);
    first.child.kill("SIGKILL");
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(await (await bot.job(applyId))?.getState()).toBe("active");

    const second = spawnWorker(bot, { applyWait: false });
    const job = await bot.finished(applyId, 60_000);
    expect(await job.getState()).toBe("completed");
    expect(job.returnvalue).toMatchObject({ result: "succeeded" });
    expect(second.lines.some((l) => l.jobId === applyId)).toBe(true);

    const [newest, interrupted] = await listRevisions(client, dev);
    expect(newest).toMatchObject({ sha, result: "succeeded" });
    expect(interrupted).toMatchObject({
      sha,
      result: "failed",
      message: "interrupted: the process applying it stopped",
    });
    expect(await readLock(client, dev)).toBeUndefined();
    expect((await statusesOf(world, repo, sha)).get(`zakenak/apply: ${dev}`)?.status).toBe("success");
    const comments = await botComments(world, repo, number, applyMarker(dev, sha));
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain(`Revision **${newest?.number}** applied`);

    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
  });

  it("on SIGTERM finishes the active job, takes no new one, and exits 0", async () => {
    const worker = spawnWorker(bot, { applyWait: true, concurrency: 1 });
    await worker.waitForLine("the worker to start", (l) => l.msg === "workers started");
    const { sha } = await mergeImage("nginx:1.27.2");
    const push = await bot.deliver(pushEvent(repo, "develop", sha, world.writer.username));
    const applyId = applyJobId({ parentJobId: push.jobId, environment: dev });
    const live = await deploymentWithImage(client, ns, "nginx:1.27.2");

    worker.child.kill("SIGTERM");
    await worker.waitForLine(
      "the worker to start closing",
      (l) => l.msg === "closing: finishing active jobs",
    );
    // Delivered after the signal: left for another worker.
    const prBranch = uniqueName("later");
    await world.admin.createBranch({ owner: repo.owner, repo: repo.name, name: prBranch, from: "develop" });
    await world.admin.putFiles({
      owner: repo.owner,
      repo: repo.name,
      branch: prBranch,
      files: { "manifests/app/app.yaml": webManifests(ns, "nginx:1.27.3") },
    });
    const pr = await world.admin.openPullRequest({
      owner: repo.owner,
      repo: repo.name,
      head: prBranch,
      base: "develop",
    });
    const later = await bot.deliver(await pullRequestEvent(world, repo, pr.number));
    expect(await (await bot.job(applyId))?.getState()).toBe("active");

    await markDeploymentReady(client, live);
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    const job = await bot.job(applyId);
    expect(await job?.getState()).toBe("completed");
    expect(job?.returnvalue).toMatchObject({ result: "succeeded" });
    expect(await (await bot.job(later.jobId))?.getState()).toBe("waiting");
    expect(worker.lines.some((l) => l.msg === "workers closed")).toBe(true);
  });
});
