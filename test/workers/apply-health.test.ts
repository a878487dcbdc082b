import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { applyMarker } from "../../src/commands/apply-comment.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { applyJobId } from "../../src/queue/apply-job.js";
import { connectShared, uniqueName, waitFor } from "../support/cluster-kit.js";
import { markDeploymentDeadlineExceeded, markDeploymentReady } from "../support/fake-controller.js";
import { botComments, pushEvent, statusesOf } from "./bot-events.js";
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

describe("applies and health", () => {
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

  it("never goes back in time: a push overtaken while it waits for the lock is not applied", async () => {
    const x = await push("develop", "x", "nginx:1.28.0");
    const xPush = await bot.deliver(pushEvent(repo, "develop", x, world.writer.username));
    const live = await deploymentWithImage(client, ns, "nginx:1.28.0");
    const waiting = async (sha: string) => {
      const delivered = await bot.deliver(pushEvent(repo, "develop", sha, world.writer.username));
      const id = applyJobId({ parentJobId: delivered.jobId, environment: dev });
      await waitFor(`${sha} to wait for the lock`, () =>
        bot.logs.lines.some((l) => l.jobId === id && l.msg === "waiting for the lock"),
      );
      return id;
    };
    const y = await push("develop", "y", "nginx:1.28.0");
    const yApply = await waiting(y);
    const z = await push("develop", "z", "nginx:1.28.0");
    const zApply = await waiting(z);

    await markDeploymentReady(client, live);
    const [xJob, yJob, zJob] = await Promise.all([
      bot.finished(applyJobId({ parentJobId: xPush.jobId, environment: dev })),
      bot.finished(yApply),
      bot.finished(zApply),
    ]);
    expect(xJob.returnvalue).toMatchObject({ result: "succeeded" });
    expect(yJob.returnvalue).toEqual({ result: "superseded", by: z });
    expect(zJob.returnvalue).toMatchObject({ result: "succeeded" });
    const [zRevision, xRevision] = await listRevisions(client, dev);
    expect([zRevision?.sha, xRevision?.sha]).toEqual([z, x]);
    const cm = await client.get({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "settings" });
    expect(cm?.data).toEqual({ color: "z" });
    const status = (await statusesOf(world, repo, y)).get(`zakenak/apply: ${dev}`);
    expect(status?.status).toBe("success");
    expect(status?.description).toBe(`not deployed: superseded by ${z.slice(0, 12)}`);
  });

  it("rolls back by itself when health fails, and says so on the pull request", async () => {
    // A healthy revision first: the one to go back to.
    const good = await push("develop", "good", "nginx:1.29.0");
    const goodPush = await bot.deliver(pushEvent(repo, "develop", good, world.writer.username));
    await markDeploymentReady(client, await deploymentWithImage(client, ns, "nginx:1.29.0"));
    const goodJob = await bot.finished(applyJobId({ parentJobId: goodPush.jobId, environment: dev }));
    expect(goodJob.returnvalue).toMatchObject({ result: "succeeded" });

    await world.admin.putFiles({
      owner: repo.owner,
      repo: repo.name,
      branch: "develop",
      newBranch: "broken",
      files: { "manifests/app/app.yaml": webManifests(ns, "nginx:9.9.9-broken", "red") },
      message: "Broken image",
    });
    const pr = await world.admin.openPullRequest({
      owner: repo.owner,
      repo: repo.name,
      head: "broken",
      base: "develop",
    });
    await world.admin.mergePullRequest({ owner: repo.owner, repo: repo.name, number: pr.number });
    const merge = (await world.admin.getBranch({ owner: repo.owner, repo: repo.name, name: "develop" }))
      .commit.id;
    const before = goodJob.returnvalue.revision as number;
    const delivered = await bot.deliver(pushEvent(repo, "develop", merge, world.writer.username));

    // Played as the Deployment controller would: the new image's rollout fails, the old one's works.
    await markDeploymentDeadlineExceeded(client, await deploymentWithImage(client, ns, "nginx:9.9.9-broken"));
    await markDeploymentReady(client, await deploymentWithImage(client, ns, "nginx:1.29.0"));
    const job = await bot.finished(applyJobId({ parentJobId: delivered.jobId, environment: dev }));
    expect(job.returnvalue).toMatchObject({
      result: "rolled-back",
      rollback: { to: before, result: "succeeded" },
    });

    const body = (await botComments(world, repo, pr.number, applyMarker(dev, merge)))[0]?.body ?? "";
    expect(body).toContain("did not become healthy");
    expect(body).toContain(`rolled back to revision **${before}** by itself`);
    expect((await statusesOf(world, repo, merge)).get(`zakenak/apply: ${dev}`)?.status).toBe("failure");
  });
});
