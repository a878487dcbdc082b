import { describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { applyMarker } from "../../src/commands/apply-comment.js";
import { applyJobId } from "../../src/queue/apply-job.js";
import { waitFor } from "../support/cluster-kit.js";
import { markDeploymentDeadlineExceeded, markDeploymentReady } from "../support/fake-controller.js";
import { useApplyScenario } from "./apply-kit.js";
import { botComments, pushEvent, statusesOf } from "./bot-events.js";
import { deploymentWithImage, webManifests } from "./repo-files.js";
import { useWorldAndCluster } from "./worker-kit.js";

const shared = useWorldAndCluster();

describe("applies and health", () => {
  const t = useApplyScenario(shared);
  const { dev, ns, push } = t;

  it("never goes back in time: a push overtaken while it waits for the lock is not applied", async () => {
    const x = await push("develop", "x", "nginx:1.28.0");
    const xPush = await t.bot.deliver(pushEvent(t.repo, "develop", x, t.world.writer.username));
    const live = await deploymentWithImage(t.client, ns, "nginx:1.28.0");
    const waiting = async (sha: string) => {
      const delivered = await t.bot.deliver(pushEvent(t.repo, "develop", sha, t.world.writer.username));
      const id = applyJobId({ parentJobId: delivered.jobId, environment: dev });
      await waitFor(`${sha} to wait for the lock`, () =>
        t.bot.logs.lines.some((l) => l.jobId === id && l.msg === "waiting for the lock"),
      );
      return id;
    };
    const y = await push("develop", "y", "nginx:1.28.0");
    const yApply = await waiting(y);
    const z = await push("develop", "z", "nginx:1.28.0");
    const zApply = await waiting(z);

    await markDeploymentReady(t.client, live);
    const [xJob, yJob, zJob] = await Promise.all([
      t.bot.finished(applyJobId({ parentJobId: xPush.jobId, environment: dev })),
      t.bot.finished(yApply),
      t.bot.finished(zApply),
    ]);
    expect(xJob.returnvalue).toMatchObject({ result: "succeeded" });
    expect(yJob.returnvalue).toEqual({ result: "superseded", by: z });
    expect(zJob.returnvalue).toMatchObject({ result: "succeeded" });
    const [zRevision, xRevision] = await listRevisions(t.client, dev);
    expect([zRevision?.sha, xRevision?.sha]).toEqual([z, x]);
    const cm = await t.client.get({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "settings" });
    expect(cm?.data).toEqual({ color: "z" });
    const status = (await statusesOf(t.world, t.repo, y)).get(`zakenak/apply: ${dev}`);
    expect(status?.status).toBe("success");
    expect(status?.description).toBe(`not deployed: superseded by ${z.slice(0, 12)}`);
  });

  it("rolls back by itself when health fails, and says so on the pull request", async () => {
    // A healthy revision first: the one to go back to.
    const good = await push("develop", "good", "nginx:1.29.0");
    const goodPush = await t.bot.deliver(pushEvent(t.repo, "develop", good, t.world.writer.username));
    await markDeploymentReady(t.client, await deploymentWithImage(t.client, ns, "nginx:1.29.0"));
    const goodJob = await t.bot.finished(applyJobId({ parentJobId: goodPush.jobId, environment: dev }));
    expect(goodJob.returnvalue).toMatchObject({ result: "succeeded" });

    await t.world.admin.putFiles({
      owner: t.repo.owner,
      repo: t.repo.name,
      branch: "develop",
      newBranch: "broken",
      files: { "manifests/app/app.yaml": webManifests(ns, "nginx:9.9.9-broken", "red") },
      message: "Broken image",
    });
    const pr = await t.world.admin.openPullRequest({
      owner: t.repo.owner,
      repo: t.repo.name,
      head: "broken",
      base: "develop",
    });
    await t.world.admin.mergePullRequest({ owner: t.repo.owner, repo: t.repo.name, number: pr.number });
    const merge = (await t.world.admin.getBranch({ owner: t.repo.owner, repo: t.repo.name, name: "develop" }))
      .commit.id;
    const before = goodJob.returnvalue.revision as number;
    const delivered = await t.bot.deliver(pushEvent(t.repo, "develop", merge, t.world.writer.username));

    // Played as the Deployment controller would: the new image's rollout fails, the old one's works.
    await markDeploymentDeadlineExceeded(
      t.client,
      await deploymentWithImage(t.client, ns, "nginx:9.9.9-broken"),
    );
    await markDeploymentReady(t.client, await deploymentWithImage(t.client, ns, "nginx:1.29.0"));
    const job = await t.bot.finished(applyJobId({ parentJobId: delivered.jobId, environment: dev }));
    expect(job.returnvalue).toMatchObject({
      result: "rolled-back",
      rollback: { to: before, result: "succeeded" },
    });

    const body = (await botComments(t.world, t.repo, pr.number, applyMarker(dev, merge)))[0]?.body ?? "";
    expect(body).toContain("did not become healthy");
    expect(body).toContain(`rolled back to revision **${before}** by itself`);
    expect((await statusesOf(t.world, t.repo, merge)).get(`zakenak/apply: ${dev}`)?.status).toBe("failure");
  });
});
