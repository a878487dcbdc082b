import { describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import type { RevisionSummary } from "../../src/applying/history/revision.js";
import { readLock } from "../../src/applying/lock/read-lock.js";
import { applyMarker } from "../../src/commands/apply-comment.js";
import { applyJobId } from "../../src/queue/apply-job.js";
import { waitFor } from "../support/cluster-kit.js";
import { markDeploymentReady } from "../support/fake-controller.js";
import { useApplyScenario } from "./apply-kit.js";
import { botComments, pullRequestEvent, pushEvent, statusesOf } from "./bot-events.js";
import { deploymentWithImage, webManifests } from "./repo-files.js";
import { useWorldAndCluster } from "./worker-kit.js";

const shared = useWorldAndCluster();

describe("applies on push", () => {
  const t = useApplyScenario(shared);
  const { dev, prod, signed, ns, push } = t;

  it("serializes two pushes to one environment on its lock while a plan runs in parallel", async () => {
    const first = await push("develop", "green");
    const firstPush = await t.bot.deliver(pushEvent(t.repo, "develop", first, t.world.writer.username));
    const firstApply = applyJobId({ parentJobId: firstPush.jobId, environment: dev });

    // The first apply holds the lock while it waits for the Deployment to become healthy.
    await waitFor("the first apply to wait for health", async () => {
      const revisions = await listRevisions(t.client, dev);
      return revisions.some((r) => r.sha === first && r.result === "in-progress");
    });
    expect((await readLock(t.client, dev))?.holder).toBe(`job/${firstApply}`);
    // Held for as long as health takes: visible before the apply ends, which is when alerts need it.
    expect(await t.metrics.registry.metrics()).toMatch(
      new RegExp(`^zakenak_environment_lock_age_seconds\\{environment="${dev}"\\} \\d`, "m"),
    );

    const second = await push("develop", "red");
    const secondPush = await t.bot.deliver(pushEvent(t.repo, "develop", second, t.world.writer.username));
    const secondApply = applyJobId({ parentJobId: secondPush.jobId, environment: dev });
    await t.world.admin.putFiles({
      owner: t.repo.owner,
      repo: t.repo.name,
      branch: "develop",
      newBranch: "feature",
      files: { "manifests/app/app.yaml": webManifests(ns, "nginx:1.27.0", "purple") },
      message: "Purple",
    });
    const pr = await t.world.admin.openPullRequest({
      owner: t.repo.owner,
      repo: t.repo.name,
      head: "feature",
      base: "develop",
    });
    const plan = await t.bot.deliver(await pullRequestEvent(t.world, t.repo, pr.number));

    await waitFor("the second apply to wait for the lock", () =>
      t.bot.logs.lines.some((l) => l.jobId === secondApply && l.msg === "waiting for the lock"),
    );
    const planJob = await t.bot.finished(plan.jobId);
    expect(planJob.returnvalue).toMatchObject({ result: "planned" });
    // The plan finished while both applies were still going: one in health, one on the lock.
    expect(await (await t.bot.job(firstApply))?.getState()).toBe("active");
    expect(await (await t.bot.job(secondApply))?.getState()).toBe("active");
    expect((await listRevisions(t.client, dev)).filter((r) => r.result === "in-progress")).toHaveLength(1);

    await markDeploymentReady(t.client, await deploymentWithImage(t.client, ns, "nginx:1.27.0"));
    const [a, b] = await Promise.all([t.bot.finished(firstApply), t.bot.finished(secondApply)]);
    expect(a.returnvalue).toMatchObject({ result: "succeeded" });
    expect(b.returnvalue).toMatchObject({ result: "succeeded" });

    const [newest, older] = (await listRevisions(t.client, dev)) as [RevisionSummary, RevisionSummary];
    expect(older.sha).toBe(first);
    expect(newest.sha).toBe(second);
    // No overlap: the second started only after the first had finished.
    expect(older.finishedAt?.getTime()).toBeLessThanOrEqual(newest.startedAt.getTime());
    const cm = await t.client.get({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "settings" });
    expect(cm?.data).toEqual({ color: "red" });
    expect((await statusesOf(t.world, t.repo, first)).get(`zakenak/apply: ${dev}`)?.status).toBe("success");
    expect((await statusesOf(t.world, t.repo, second)).get(`zakenak/apply: ${dev}`)?.status).toBe("success");

    const text = await t.metrics.registry.metrics();
    expect(text).toContain(`zakenak_applies_total{environment="${dev}",result="succeeded"} 2`);
    for (const histogram of [
      "zakenak_deploy_duration_seconds",
      "zakenak_apply_duration_seconds",
      "zakenak_environment_lock_held_seconds",
    ]) {
      expect(text).toContain(`${histogram}_count{environment="${dev}"} 2`);
    }
    expect(text).not.toContain(`zakenak_environment_lock_age_seconds{environment="${dev}"}`);
  });

  it("reports the revision, changes and health on the merged pull request, and audits it", async () => {
    const prs = await t.world.admin.json<{ number: number }[]>(
      "GET",
      `repos/${t.repo.owner}/${t.repo.name}/pulls?state=open`,
    );
    const number = prs[0]?.number as number;
    await t.world.admin.mergePullRequest({ owner: t.repo.owner, repo: t.repo.name, number });
    const merge = (await t.world.admin.getBranch({ owner: t.repo.owner, repo: t.repo.name, name: "develop" }))
      .commit.id;
    const delivered = await t.bot.deliver(pushEvent(t.repo, "develop", merge, t.world.writer.username));
    const job = await t.bot.finished(applyJobId({ parentJobId: delivered.jobId, environment: dev }));
    expect(job.returnvalue).toMatchObject({ result: "succeeded" });

    const comments = await botComments(t.world, t.repo, number, applyMarker(dev, merge));
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? "";
    expect(body).toContain(`✅ Revision **${job.returnvalue.revision}** applied from \`develop\``);
    expect(body).toContain("1 written");
    expect(body).toContain(`ConfigMap/${ns}/settings`);
    expect(body).toContain("**Health:**");
    const audit = await t.bot.workers[0]?.audit.read({ count: 10 });
    expect(audit?.[0]).toMatchObject({
      action: "apply",
      environment: dev,
      sha: merge,
      result: "succeeded",
      actor: t.world.writer.username,
      pullRequest: number,
    });
  });

  it("deploys a tag matching an environment's glob", async () => {
    const tip = (await t.world.admin.getBranch({ owner: t.repo.owner, repo: t.repo.name, name: "develop" }))
      .commit.id;
    // The bot asks the host where the tag points before deploying it: the tag must exist.
    await t.world.admin.json("POST", `repos/${t.repo.owner}/${t.repo.name}/tags`, {
      tag_name: "v1.2.0",
      target: tip,
    });
    const delivered = await t.bot.deliver(pushEvent(t.repo, "v1.2.0", tip, t.world.writer.username, true));
    const pushJob = await t.bot.finished(delivered.jobId);
    expect(pushJob.returnvalue).toEqual({ result: "enqueued", environments: [prod] });
    const job = await t.bot.finished(applyJobId({ parentJobId: delivered.jobId, environment: prod }));
    expect(job.returnvalue).toMatchObject({ result: "succeeded" });
    expect((await listRevisions(t.client, prod))[0]).toMatchObject({ sha: tip, ref: "refs/tags/v1.2.0" });
  });

  it("refuses an unsigned commit where signed commits are required, at once", async () => {
    await t.world.admin.createBranch({
      owner: t.repo.owner,
      repo: t.repo.name,
      name: "signed",
      from: "develop",
    });
    const sha = await push("signed", "orange");
    const delivered = await t.bot.deliver(pushEvent(t.repo, "signed", sha, t.world.writer.username));
    const job = await t.bot.finished(applyJobId({ parentJobId: delivered.jobId, environment: signed }));
    expect(await job.getState()).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain("requires signed commits");
    const status = (await statusesOf(t.world, t.repo, sha)).get(`zakenak/apply: ${signed}`);
    expect(status?.status).toBe("failure");
    expect(status?.description).toContain("requires signed commits");
    expect(await listRevisions(t.client, signed)).toEqual([]);
    const audit = await t.bot.workers[0]?.audit.read({ count: 1 });
    expect(audit?.[0]).toMatchObject({ action: "apply", environment: signed, result: "refused" });
  });

  it("ignores a deleted ref", async () => {
    const tip = (await t.world.admin.getBranch({ owner: t.repo.owner, repo: t.repo.name, name: "develop" }))
      .commit.id;
    const event = { ...pushEvent(t.repo, "develop", tip, t.world.writer.username), deleted: true };
    const job = await t.bot.finished((await t.bot.deliver(event)).jobId);
    expect(job.returnvalue).toEqual({ result: "skipped", environments: [] });
    expect(await t.bot.job(applyJobId({ parentJobId: job.id as string, environment: dev }))).toBeUndefined();
  });

  it("keeps no token in job data or anywhere else in Redis", async () => {
    const secrets = [t.world.bot.token, t.world.gitea.adminToken, t.world.writer.token, t.world.reader.token];
    const keys = [
      ...(await t.bot.redis.keys(`${t.bot.prefix}:*`)),
      ...(await t.bot.redis.keys(`${t.bot.keyPrefix}*`)),
    ];
    expect(keys.length).toBeGreaterThan(10);
    const dump: string[] = [];
    for (const key of keys) {
      const type = await t.bot.redis.type(key);
      if (type === "string") dump.push((await t.bot.redis.get(key)) ?? "");
      else if (type === "hash") dump.push(JSON.stringify(await t.bot.redis.hgetall(key)));
      else if (type === "list") dump.push(JSON.stringify(await t.bot.redis.lrange(key, 0, -1)));
      else if (type === "set") dump.push(JSON.stringify(await t.bot.redis.smembers(key)));
      else if (type === "zset") dump.push(JSON.stringify(await t.bot.redis.zrange(key, "0", "-1")));
      else if (type === "stream") dump.push(JSON.stringify(await t.bot.redis.xrange(key, "-", "+")));
    }
    const all = dump.join("\n");
    // The dump is real: it holds the job data of the deliveries above.
    expect(all).toContain(t.repo.ref.fullName);
    for (const secret of secrets) expect(all).not.toContain(secret);
  });
});
