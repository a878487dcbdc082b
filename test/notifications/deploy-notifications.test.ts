import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { replyMarker } from "../../src/commands/command-reply.js";
import type { HostEvent } from "../../src/hosts/host-event.js";
import type { NotificationEvent } from "../../src/notifications/notification-event.js";
import { NOTIFICATION_QUEUE } from "../../src/notifications/notification-queue.js";
import { notificationSettings } from "../../src/notifications/notification-settings.js";
import { notificationsSchema } from "../../src/notifications/notifications-schema.js";
import { applyJobId } from "../../src/queue/apply-job.js";
import { createMetrics } from "../../src/server/metrics.js";
import { workerMetrics } from "../../src/workers/worker-metrics.js";
import { liveData, uniqueName, waitFor } from "../support/cluster-kit.js";
import { markDeploymentDeadlineExceeded } from "../support/fake-controller.js";
import { botComments, commentEvent, pushEvent } from "../workers/bot-events.js";
import { configMapYaml, deploymentWithImage, webManifests, zakenakYaml } from "../workers/repo-files.js";
import {
  type BotUnderTest,
  botUnderTest,
  createTestRepo,
  redisConnection,
  type TestRepo,
  useWorldAndCluster,
} from "../workers/worker-kit.js";
import { type NotificationReceiver, startNotificationReceiver } from "./notification-receiver.js";

const shared = useWorldAndCluster();

type Received = NotificationEvent & { deliveryId: string };

describe("deploys and rollbacks through the workers tell the routed targets", () => {
  const dev = uniqueName("dev");
  const prod = uniqueName("prod");
  const ns = uniqueName("notify");
  let repo: TestRepo;
  let bot: BotUnderTest;
  let receiver: NotificationReceiver;
  /** A Slack-like target that takes requests and never answers. */
  let hanging: NotificationReceiver;
  const metrics = createMetrics();
  const events = () => receiver.received.map((r) => r.body as Received);
  const eventsOf = (sha: string) => events().filter((e) => e.sha === sha);

  async function push(manifest: string, message: string): Promise<string> {
    const { commitSha } = await shared.world.admin.putFiles({
      owner: repo.owner,
      repo: repo.name,
      branch: "develop",
      files: { "manifests/app/app.yaml": manifest },
      message,
    });
    return commitSha;
  }

  async function deploy(sha: string) {
    const delivered = await bot.deliver(pushEvent(repo, "develop", sha, shared.world.writer.username));
    return bot.finished(applyJobId({ parentJobId: delivered.jobId, environment: dev }));
  }

  beforeAll(async () => {
    [receiver, hanging] = await Promise.all([
      startNotificationReceiver("/zakenak"),
      startNotificationReceiver("/services/T1/B2/hangingtoken", () => "hang"),
    ]);
    const settings = await notificationSettings(
      notificationsSchema.parse({
        targets: {
          audit: { type: "webhook", urlEnv: "AUDIT_URL", secretEnv: "AUDIT_SECRET" },
          chat: { type: "slack", urlEnv: "CHAT_URL", timeoutSeconds: 60 },
        },
        routes: [
          { environments: [dev], targets: ["audit"] },
          { environments: [dev], events: ["deploy-started"], targets: ["chat"] },
        ],
        retry: { attempts: 2, delaySeconds: 0.05 },
      }),
      { AUDIT_URL: receiver.url, AUDIT_SECRET: "deploy-test-secret", CHAT_URL: hanging.url },
    );
    bot = botUnderTest(shared.world, {
      ...(settings ? { notifications: settings } : {}),
      metrics: workerMetrics(metrics),
    });
    repo = await createTestRepo(shared.world, {
      ".zakenak.yaml": zakenakYaml(dev, prod).replace(
        "    branch: develop\n",
        "    branch: develop\n    healthTimeoutSeconds: 60\n",
      ),
      "manifests/app/app.yaml": configMapYaml(ns, "settings", { color: "blue" }),
    });
    // Health is waited for: the test plays the Deployment controller where there is one.
    await bot.start({ kube: { applyWait: true, lockWaitMs: 120_000 } });
  });

  afterAll(async () => {
    await hanging?.close();
    await bot?.close();
    await receiver?.close();
  });

  it("deploys while a target hangs, and the other target hears the deploy start and succeed", async () => {
    const sha = await push(configMapYaml(ns, "settings", { color: "green" }), "green");
    const job = await deploy(sha);
    expect(job.returnvalue).toMatchObject({ result: "succeeded", revision: 1 });
    expect(await liveData(shared.client, ns, "settings")).toEqual({ color: "green" });
    // The hanging target got the deploy-started request and has not answered it: its delivery is still
    // under way, and the deploy finished regardless.
    const request = await waitFor("the hanging target's request", () => hanging.received[0]);
    expect((request.body as { text: string }).text).toContain(`Deploy started: ${dev}`);
    const notifications = new Queue(NOTIFICATION_QUEUE, { connection: redisConnection, prefix: bot.prefix });
    try {
      const active = await notifications.getJobs(["active"]);
      expect(active.map((j) => j.data.target)).toEqual(["chat"]);
      expect(await job.getState()).toBe("completed");
    } finally {
      await notifications.close();
    }

    const [started, succeeded] = await waitFor("two notifications of the deploy", () => {
      const mine = eventsOf(sha);
      return mine.length >= 2 ? mine : undefined;
    });
    expect(started).toMatchObject({
      kind: "deploy-started",
      repository: repo.ref.fullName,
      environment: dev,
      ref: "refs/heads/develop",
      revision: 1,
      summary: `Deploying ${sha.slice(0, 12)} (develop, by ${shared.world.writer.username}) to ${dev} as revision 1.`,
    });
    expect(succeeded).toMatchObject({ kind: "deploy-succeeded", environment: dev, revision: 1 });
    expect(succeeded?.summary).toContain("revision 1 applied");
  });

  it("reports the hanging target's notification as failed once its tries time out", async () => {
    // Closing the hanging receiver drops its connections: both tries then fail, the second for good.
    await hanging.close();
    await waitFor("the failure of the chat notification", async () =>
      (await metrics.notifications.get()).values.find(
        (v) => v.labels.target_type === "slack" && v.labels.result === "failed",
      ),
    );
    expect(bot.logs.lines.find((l) => l.msg === "notification failed; not retried")).toMatchObject({
      target: "chat",
      kind: "deploy-started",
    });
  });

  it("tells of a deploy that fails for good", async () => {
    const sha = await push("apiVersion: v1\nkind: ConfigMap\nmetadata: [not, a, map]\n", "broken");
    const job = await deploy(sha);
    expect(job.failedReason).toBeTruthy();
    const [failed] = await waitFor("the failure notification", () => {
      const mine = eventsOf(sha);
      return mine.length > 0 ? mine : undefined;
    });
    expect(failed).toMatchObject({ kind: "deploy-failed", environment: dev, ref: "refs/heads/develop" });
    expect(failed?.summary).toContain(`The deploy of ${sha.slice(0, 12)} (develop, by `);
    expect(eventsOf(sha).map((e) => e.kind)).toEqual(["deploy-failed"]);
  });

  it("tells of a rollback after failed health, once, as rollback-automatic", async () => {
    const sha = await push(webManifests(ns, "nginx:9.9.9-broken", "red"), "broken image");
    const delivered = await bot.deliver(pushEvent(repo, "develop", sha, shared.world.writer.username));
    // Played as the Deployment controller would: the new image's rollout fails.
    await markDeploymentDeadlineExceeded(
      shared.client,
      await deploymentWithImage(shared.client, ns, "nginx:9.9.9-broken"),
    );
    const job = await bot.finished(applyJobId({ parentJobId: delivered.jobId, environment: dev }));
    expect(job.returnvalue).toMatchObject({
      result: "rolled-back",
      rollback: { to: 1, result: "succeeded" },
    });
    const kinds = await waitFor("the rollback notification", () => {
      const mine = eventsOf(sha).map((e) => e.kind);
      return mine.length >= 2 ? mine : undefined;
    });
    expect(kinds).toEqual(["deploy-started", "rollback-automatic"]);
    const rolledBack = eventsOf(sha)[1];
    expect(rolledBack?.summary).toContain("rolled back to revision 1");
  });

  it("tells of a /rollback", async () => {
    const sha = await push(configMapYaml(ns, "settings", { color: "purple" }), "purple");
    expect((await deploy(sha)).returnvalue).toMatchObject({ result: "succeeded" });
    const revisions = await listRevisions(shared.client, dev);
    const deployed = revisions[0]?.number ?? 0;
    await shared.world.admin.putFiles({
      owner: repo.owner,
      repo: repo.name,
      branch: "develop",
      newBranch: "feature",
      files: { "manifests/app/app.yaml": configMapYaml(ns, "settings", { color: "pink" }) },
      message: "pink",
    });
    const { number } = await shared.world.admin.openPullRequest({
      owner: repo.owner,
      repo: repo.name,
      head: "feature",
      base: "develop",
    });
    const writer = shared.world.writer.username;
    const event = commentEvent(repo, number, writer, "/rollback") as Extract<HostEvent, { type: "comment" }>;
    const job = await bot.finished((await bot.deliver(event)).jobId);
    expect(job.returnvalue).toMatchObject({ result: "done", command: "rollback", status: "succeeded" });
    expect(await botComments(shared.world, repo, number, replyMarker(event.commentId))).toHaveLength(1);
    const rollback = await waitFor("the rollback-command notification", () =>
      events().find((e) => e.kind === "rollback-command"),
    );
    expect(rollback).toMatchObject({ environment: dev, revision: deployed + 1 });
    expect(rollback.summary).toContain(
      `/rollback by ${writer} on ${repo.ref.fullName}#${number}: rolled ${dev} back to revision`,
    );
    expect(await liveData(shared.client, ns, "settings")).toEqual({ color: "green" });
  });
});
