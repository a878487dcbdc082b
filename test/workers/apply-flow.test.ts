import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import type { RevisionSummary } from "../../src/applying/history/revision.js";
import { readLock } from "../../src/applying/lock/read-lock.js";
import { applyMarker } from "../../src/commands/apply-comment.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { applyJobId } from "../../src/queue/apply-job.js";
import { connectShared, uniqueName, waitFor } from "../support/cluster-kit.js";
import { markDeploymentReady } from "../support/fake-controller.js";
import { botComments, pullRequestEvent, pushEvent, statusesOf } from "./bot-events.js";
import { deploymentWithImage, webManifests } from "./repo-files.js";
import {
  type BotUnderTest,
  botUnderTest,
  createTestRepo,
  type GiteaWorld,
  startGiteaWorld,
  type TestRepo,
} from "./worker-kit.js";

let world: GiteaWorld;
let client: ConnectedKubeClient;

beforeAll(async () => {
  [world, client] = await Promise.all([startGiteaWorld(), connectShared()]);
}, 300_000);

afterAll(async () => {
  await world?.stop();
  client?.close();
});

describe("applies on push", () => {
  const dev = uniqueName("dev");
  const prod = uniqueName("prod");
  const signed = uniqueName("signed");
  const ns = uniqueName("shop");
  let bot: BotUnderTest;
  let repo: TestRepo;

  const config = `environments:
  - name: ${dev}
    branch: develop
    healthTimeoutSeconds: 120
  - name: ${prod}
    tag: "v*"
  - name: ${signed}
    branch: signed
    requireSignedCommits: true
releases:
  - name: app
    manifests: manifests/app
    environments: [${dev}, ${signed}]
  - name: edge
    manifests: manifests/edge
    environments: [${prod}]
`;

  const push = async (branch: string, color: string, image = "nginx:1.27.0") =>
    (
      await world.admin.putFiles({
        owner: repo.owner,
        repo: repo.name,
        branch,
        files: { "manifests/app/app.yaml": webManifests(ns, image, color) },
        message: `Color ${color}`,
      })
    ).commitSha;

  beforeAll(async () => {
    bot = botUnderTest(world);
    repo = await createTestRepo(world, {
      ".zakenak.yaml": config,
      "manifests/app/app.yaml": webManifests(ns, "nginx:1.27.0", "blue"),
      "manifests/edge/edge.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: edge\n  namespace: default\ndata:\n  env: ${prod}\n`,
    });
    // Health is waited for: the test plays the Deployment controller.
    await bot.start({ concurrency: 4, kube: { applyWait: true, lockWaitMs: 120_000 } });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it("serializes two pushes to one environment on its lock while a plan runs in parallel", async () => {
    const first = await push("develop", "green");
    const firstPush = await bot.deliver(pushEvent(repo, "develop", first, world.writer.username));
    const firstApply = applyJobId({ parentJobId: firstPush.jobId, environment: dev });

    // The first apply holds the lock while it waits for the Deployment to become healthy.
    await waitFor("the first apply to wait for health", async () => {
      const revisions = await listRevisions(client, dev);
      return revisions.some((r) => r.sha === first && r.result === "in-progress");
    });
    expect((await readLock(client, dev))?.holder).toBe(`job/${firstApply}`);

    const second = await push("develop", "red");
    const secondPush = await bot.deliver(pushEvent(repo, "develop", second, world.writer.username));
    const secondApply = applyJobId({ parentJobId: secondPush.jobId, environment: dev });
    await world.admin.putFiles({
      owner: repo.owner,
      repo: repo.name,
      branch: "develop",
      newBranch: "feature",
      files: { "manifests/app/app.yaml": webManifests(ns, "nginx:1.27.0", "purple") },
      message: "Purple",
    });
    const pr = await world.admin.openPullRequest({
      owner: repo.owner,
      repo: repo.name,
      head: "feature",
      base: "develop",
    });
    const plan = await bot.deliver(await pullRequestEvent(world, repo, pr.number));

    await waitFor("the second apply to wait for the lock", () =>
      bot.logs.lines.some((l) => l.jobId === secondApply && l.msg === "waiting for the lock"),
    );
    const planJob = await bot.finished(plan.jobId);
    expect(planJob.returnvalue).toMatchObject({ result: "planned" });
    // The plan finished while both applies were still going: one in health, one on the lock.
    expect(await (await bot.job(firstApply))?.getState()).toBe("active");
    expect(await (await bot.job(secondApply))?.getState()).toBe("active");
    expect((await listRevisions(client, dev)).filter((r) => r.result === "in-progress")).toHaveLength(1);

    await markDeploymentReady(client, await deploymentWithImage(client, ns, "nginx:1.27.0"));
    const [a, b] = await Promise.all([bot.finished(firstApply), bot.finished(secondApply)]);
    expect(a.returnvalue).toMatchObject({ result: "succeeded" });
    expect(b.returnvalue).toMatchObject({ result: "succeeded" });

    const [newest, older] = (await listRevisions(client, dev)) as [RevisionSummary, RevisionSummary];
    expect(older.sha).toBe(first);
    expect(newest.sha).toBe(second);
    // No overlap: the second started only after the first had finished.
    expect(older.finishedAt?.getTime()).toBeLessThanOrEqual(newest.startedAt.getTime());
    const cm = await client.get({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "settings" });
    expect(cm?.data).toEqual({ color: "red" });
    expect((await statusesOf(world, repo, first)).get(`zakenak/apply: ${dev}`)?.status).toBe("success");
    expect((await statusesOf(world, repo, second)).get(`zakenak/apply: ${dev}`)?.status).toBe("success");
  });

  it("reports the revision, changes and health on the merged pull request, and audits it", async () => {
    const prs = await world.admin.json<{ number: number }[]>(
      "GET",
      `repos/${repo.owner}/${repo.name}/pulls?state=open`,
    );
    const number = prs[0]?.number as number;
    await world.admin.mergePullRequest({ owner: repo.owner, repo: repo.name, number });
    const merge = (await world.admin.getBranch({ owner: repo.owner, repo: repo.name, name: "develop" }))
      .commit.id;
    const delivered = await bot.deliver(pushEvent(repo, "develop", merge, world.writer.username));
    const job = await bot.finished(applyJobId({ parentJobId: delivered.jobId, environment: dev }));
    expect(job.returnvalue).toMatchObject({ result: "succeeded" });

    const comments = await botComments(world, repo, number, applyMarker(dev, merge));
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? "";
    expect(body).toContain(`✅ Revision **${job.returnvalue.revision}** applied from \`develop\``);
    expect(body).toContain("1 written");
    expect(body).toContain(`ConfigMap/${ns}/settings`);
    expect(body).toContain("**Health:**");
    const audit = await bot.workers[0]?.audit.read({ count: 10 });
    expect(audit?.[0]).toMatchObject({
      action: "apply",
      environment: dev,
      sha: merge,
      result: "succeeded",
      actor: world.writer.username,
      pullRequest: number,
    });
  });

  it("deploys a tag matching an environment's glob", async () => {
    const tip = (await world.admin.getBranch({ owner: repo.owner, repo: repo.name, name: "develop" })).commit
      .id;
    const delivered = await bot.deliver(pushEvent(repo, "v1.2.0", tip, world.writer.username, true));
    const pushJob = await bot.finished(delivered.jobId);
    expect(pushJob.returnvalue).toEqual({ result: "enqueued", environments: [prod] });
    const job = await bot.finished(applyJobId({ parentJobId: delivered.jobId, environment: prod }));
    expect(job.returnvalue).toMatchObject({ result: "succeeded" });
    expect((await listRevisions(client, prod))[0]).toMatchObject({ sha: tip, ref: "refs/tags/v1.2.0" });
  });

  it("refuses an unsigned commit where signed commits are required, at once", async () => {
    await world.admin.createBranch({ owner: repo.owner, repo: repo.name, name: "signed", from: "develop" });
    const sha = await push("signed", "orange");
    const delivered = await bot.deliver(pushEvent(repo, "signed", sha, world.writer.username));
    const job = await bot.finished(applyJobId({ parentJobId: delivered.jobId, environment: signed }));
    expect(await job.getState()).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain("requires signed commits");
    const status = (await statusesOf(world, repo, sha)).get(`zakenak/apply: ${signed}`);
    expect(status?.status).toBe("failure");
    expect(status?.description).toContain("requires signed commits");
    expect(await listRevisions(client, signed)).toEqual([]);
    const audit = await bot.workers[0]?.audit.read({ count: 1 });
    expect(audit?.[0]).toMatchObject({ action: "apply", environment: signed, result: "refused" });
  });

  it("ignores a deleted ref", async () => {
    const tip = (await world.admin.getBranch({ owner: repo.owner, repo: repo.name, name: "develop" })).commit
      .id;
    const event = { ...pushEvent(repo, "develop", tip, world.writer.username), deleted: true };
    const job = await bot.finished((await bot.deliver(event)).jobId);
    expect(job.returnvalue).toEqual({ result: "skipped", environments: [] });
    expect(await bot.job(applyJobId({ parentJobId: job.id as string, environment: dev }))).toBeUndefined();
  });

  it("keeps no token in job data or anywhere else in Redis", async () => {
    const secrets = [world.bot.token, world.gitea.adminToken, world.writer.token, world.reader.token];
    const keys = [
      ...(await bot.redis.keys(`${bot.prefix}:*`)),
      ...(await bot.redis.keys(`${bot.keyPrefix}*`)),
    ];
    expect(keys.length).toBeGreaterThan(10);
    const dump: string[] = [];
    for (const key of keys) {
      const type = await bot.redis.type(key);
      if (type === "string") dump.push((await bot.redis.get(key)) ?? "");
      else if (type === "hash") dump.push(JSON.stringify(await bot.redis.hgetall(key)));
      else if (type === "list") dump.push(JSON.stringify(await bot.redis.lrange(key, 0, -1)));
      else if (type === "set") dump.push(JSON.stringify(await bot.redis.smembers(key)));
      else if (type === "zset") dump.push(JSON.stringify(await bot.redis.zrange(key, "0", "-1")));
      else if (type === "stream") dump.push(JSON.stringify(await bot.redis.xrange(key, "-", "+")));
    }
    const all = dump.join("\n");
    // The dump is real: it holds the job data of the deliveries above.
    expect(all).toContain(repo.ref.fullName);
    for (const secret of secrets) expect(all).not.toContain(secret);
  });
});
