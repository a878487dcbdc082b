import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { createGiteaHost } from "../../src/hosts/gitea/gitea-host.js";
import { pollDeliveryId } from "../../src/polling/poll-delivery.js";
import { pollRepository } from "../../src/polling/poll-repository.js";
import { applyJobId } from "../../src/queue/apply-job.js";
import { deliveryJobId } from "../../src/queue/delivery-queue.js";
import { SINGLE_TENANT } from "../../src/trust/repository-grant.js";
import { liveData, uniqueName, waitFor } from "../support/cluster-kit.js";
import { jobLog, type RunningServe, startServe } from "../support/e2e-serve.js";
import { pushEvent, statusesOf } from "../workers/bot-events.js";
import { botUnderTest, createTestRepo, type TestRepo, useWorldAndCluster } from "../workers/worker-kit.js";

const shared = useWorldAndCluster();
const WAIT = { timeoutMs: 60_000, intervalMs: 200 };

function files(ns: string, color: string): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
data:
  color: ${color}
`;
}

function zakenakYaml(dev: string, prod: string): string {
  return `environments:
  - name: ${dev}
    branch: develop
  - name: ${prod}
    tag: "v*"
releases:
  - name: dev
    manifests: manifests/dev
    environments: [${dev}]
  - name: prod
    manifests: manifests/prod
    environments: [${prod}]
`;
}

describe("zakenak serve polling a host whose webhooks are off", () => {
  const dev = uniqueName("dev");
  const prod = uniqueName("prod");
  const nsDev = uniqueName("poll-dev");
  const nsProd = uniqueName("poll-prod");
  let repo: TestRepo;
  let serve: RunningServe;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "zakenak-poll-"));
    repo = await createTestRepo(shared.world, {
      ".zakenak.yaml": zakenakYaml(dev, prod),
      "manifests/dev/app.yaml": files(nsDev, "blue"),
      "manifests/prod/app.yaml": files(nsProd, "blue"),
    });
    // A tag older than polling: it was never pushed while the bot watched, so it deploys nothing.
    const tip = (await shared.world.admin.getBranch({ owner: repo.owner, repo: repo.name, name: "develop" }))
      .commit.id;
    await shared.world.admin.json("POST", `repos/${repo.owner}/${repo.name}/tags`, {
      tag_name: "v0.9.0",
      target: tip,
    });
    const config = join(dir, "server.yaml");
    writeFileSync(
      config,
      `repositories:
  - match: ${repo.ref.fullName}
    environments:
      ${dev}: {}
      ${prod}: {}
    poll: { interval: 1s }
drift: { interval: "off" }
`,
    );
    serve = await startServe({
      GITEA_URL: shared.world.gitea.url,
      GITEA_TOKEN: shared.world.bot.token,
      GITEA_WEBHOOK_SECRET: randomBytes(16).toString("hex"),
      ZAKENAK_SERVER_CONFIG: config,
    });
  }, 300_000);

  afterAll(async () => {
    expect(await serve?.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  const r = () => ({ owner: repo.owner, repo: repo.name });

  /** Waits until `environment` has a successful revision of `sha`; says what serve did if it never does. */
  const deployed = (environment: string, sha: string) =>
    waitFor(
      `${environment} to deploy ${sha.slice(0, 12)}`,
      async () =>
        (await listRevisions(shared.client, environment)).some(
          (v) => v.sha === sha && v.result === "succeeded",
        ),
      WAIT,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${jobLog(serve)}`);
    });

  it("deploys the branch's head and then each new push to it", async () => {
    // Nothing would ever deliver a webhook: the repository has none.
    expect(await shared.world.admin.json("GET", `repos/${repo.owner}/${repo.name}/hooks`)).toEqual([]);
    const head = (await shared.world.admin.getBranch({ ...r(), name: "develop" })).commit.id;
    await deployed(dev, head);
    expect(await liveData(shared.client, nsDev, "settings")).toEqual({ color: "blue" });
    const pushed = (
      await shared.world.admin.putFiles({
        ...r(),
        branch: "develop",
        files: { "manifests/dev/app.yaml": files(nsDev, "red") },
        message: "Red",
      })
    ).commitSha;
    await deployed(dev, pushed);
    expect(await liveData(shared.client, nsDev, "settings")).toEqual({ color: "red" });
    const [newest, first] = await listRevisions(shared.client, dev);
    expect(newest).toMatchObject({ sha: pushed, ref: "refs/heads/develop", actor: "zakenak-poll" });
    expect(first).toMatchObject({ sha: head, ref: "refs/heads/develop", result: "succeeded" });
    const status = await waitFor(
      "the apply status",
      async () => {
        const s = (await statusesOf(shared.world, repo, pushed)).get(`zakenak/apply: ${dev}`);
        return s?.status === "success" ? s : undefined;
      },
      WAIT,
    );
    expect(status.description).toContain(`revision ${newest?.number}`);
  });

  it("deploys a tag made after polling started, never one from before", async () => {
    const tip = (await shared.world.admin.getBranch({ ...r(), name: "develop" })).commit.id;
    await shared.world.admin.json("POST", `repos/${repo.owner}/${repo.name}/tags`, {
      tag_name: "v1.0.0",
      target: tip,
    });
    await deployed(prod, tip);
    expect(await listRevisions(shared.client, prod)).toEqual([
      expect.objectContaining({ ref: "refs/tags/v1.0.0", sha: tip, result: "succeeded" }),
    ]);
    expect(await liveData(shared.client, nsProd, "settings")).toEqual({ color: "blue" });
  });
});

describe("a push seen by a webhook and by a poll", () => {
  const dev = uniqueName("dev");
  const ns = uniqueName("poll-dedupe");
  const bot = () => botUnderTest(shared.world);

  it("is handled once, by whichever came first", async () => {
    const repo = await createTestRepo(shared.world, {
      ".zakenak.yaml": zakenakYaml(dev, uniqueName("unused")),
      "manifests/dev/app.yaml": files(ns, "blue"),
      "manifests/prod/app.yaml": files(uniqueName("unused"), "blue"),
    });
    const b = bot();
    await b.start();
    try {
      const host = createGiteaHost({ url: shared.world.gitea.url, token: shared.world.bot.token });
      const ctx = {
        host,
        repo: { host: "gitea" as const, fullName: repo.ref.fullName },
        grant: SINGLE_TENANT,
        redis: b.redis,
        keyPrefix: b.keyPrefix,
        log: b.logs,
      };
      const develop = async () =>
        (await shared.world.admin.getBranch({ owner: repo.owner, repo: repo.name, name: "develop" })).commit
          .id;

      // The webhook first: the poll that sees the same push enqueues nothing.
      const first = await develop();
      const hooked = await b.deliver(pushEvent(repo, "develop", first, shared.world.writer.username));
      expect(
        (await b.finished(applyJobId({ parentJobId: hooked.jobId, environment: dev }))).returnvalue,
      ).toMatchObject({ result: "succeeded" });
      expect(await pollRepository(ctx, b.queue)).toEqual({ result: "polled", refs: 1, enqueued: [] });
      const firstPollJob = deliveryJobId({
        host: "gitea",
        id: pollDeliveryId(repo.ref, "refs/heads/develop", first),
      });
      expect(await b.job(firstPollJob)).toBeUndefined();

      // The poll first: the webhook that arrives later for the same push does nothing.
      const second = (
        await shared.world.admin.putFiles({
          owner: repo.owner,
          repo: repo.name,
          branch: "develop",
          files: { "manifests/dev/app.yaml": files(ns, "red") },
          message: "Red",
        })
      ).commitSha;
      expect(await pollRepository(ctx, b.queue)).toEqual({
        result: "polled",
        refs: 1,
        enqueued: ["refs/heads/develop"],
      });
      const polled = deliveryJobId({
        host: "gitea",
        id: pollDeliveryId(repo.ref, "refs/heads/develop", second),
      });
      expect((await b.finished(polled)).returnvalue).toEqual({ result: "enqueued", environments: [dev] });
      expect(
        (await b.finished(applyJobId({ parentJobId: polled, environment: dev }))).returnvalue,
      ).toMatchObject({ result: "succeeded" });
      const late = await b.deliver(pushEvent(repo, "develop", second, shared.world.writer.username));
      expect((await b.finished(late.jobId)).returnvalue).toEqual({ result: "skipped", environments: [] });
      expect(await b.job(applyJobId({ parentJobId: late.jobId, environment: dev }))).toBeUndefined();
      expect((await listRevisions(shared.client, dev)).map((rev) => rev.sha)).toEqual([second, first]);

      // Polling again finds nothing new.
      expect(await pollRepository(ctx, b.queue)).toEqual({ result: "polled", refs: 1, enqueued: [] });
    } finally {
      await b.close();
    }
  });
});
