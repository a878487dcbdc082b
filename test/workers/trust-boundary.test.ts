import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { acquireLock } from "../../src/applying/lock/acquire-lock.js";
import { PLAN_MARKER } from "../../src/commands/plan-comment.js";
import { parseServerConfig } from "../../src/config/load-server-config.js";
import { applyJobId } from "../../src/queue/apply-job.js";
import { sharedKubeconfig, uniqueName, waitFor } from "../support/cluster-kit.js";
import { GiteaFixture } from "../support/gitea/gitea-fixture.js";
import { botComments, pullRequestEvent, pushEvent, statusesOf } from "./bot-events.js";
import { configMapYaml } from "./repo-files.js";
import {
  type BotUnderTest,
  botUnderTest,
  createTestRepo,
  hex,
  type TestRepo,
  useWorldAndCluster,
} from "./worker-kit.js";

const shared = useWorldAndCluster();

/** A kubeconfig holding the test cluster (current context) and an "evil" context whose server counts connections. */
function kubeconfigWithDecoy(port: number): string {
  const config = parse(readFileSync(sharedKubeconfig(), "utf8"));
  config.clusters.push({ name: "evil", cluster: { server: `https://127.0.0.1:${port}` } });
  config.users.push({ name: "evil", user: { token: "decoy" } });
  config.contexts.push({ name: "evil", context: { cluster: "evil", user: "evil" } });
  const file = join(tmpdir(), `zakenak-decoy-${hex()}.yaml`);
  writeFileSync(file, stringify(config), { mode: 0o600 });
  return file;
}

describe("what a push or a pull request may decide", () => {
  const dev = uniqueName("dev");
  const prod = uniqueName("prod");
  const ns = uniqueName("trust");
  const config = (extra = "", branch = "develop") => `environments:
  - name: ${dev}
    branch: ${branch}${extra}
  - name: ${prod}
    tag: "v*"
releases:
  - name: app
    namespace: ${ns}
    manifests: manifests
`;
  const files = (color: string) => ({
    "manifests/settings.yaml": configMapYaml(ns, "settings", { color }),
  });
  let decoy: Server;
  let decoyConnections = 0;
  let bot: BotUnderTest;
  let repo: TestRepo;
  const put = async (branch: string, content: Record<string, string>, newBranch?: string) =>
    (
      await shared.world.admin.putFiles({
        owner: repo.owner,
        repo: repo.name,
        branch,
        ...(newBranch ? { newBranch } : {}),
        files: content,
        message: `change on ${newBranch ?? branch}`,
      })
    ).commitSha;
  const color = async () =>
    (await shared.client.get({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "settings" }))?.data;
  const applyStatus = async (sha: string, env: string) =>
    (await statusesOf(shared.world, repo, sha)).get(`zakenak/apply: ${env}`);
  const deployPush = async (refName: string, sha: string, tag = false) => {
    const delivered = await bot.deliver(pushEvent(repo, refName, sha, shared.world.writer.username, tag));
    return { delivered, push: await bot.finished(delivered.jobId) };
  };
  const applyOf = (pushJobId: string, env = dev) =>
    bot.finished(applyJobId({ parentJobId: pushJobId, environment: env }));

  beforeAll(async () => {
    decoy = createServer((socket) => {
      decoyConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => decoy.listen(0, "127.0.0.1", resolve));
    const port = (decoy.address() as { port: number }).port;
    bot = botUnderTest(shared.world);
    repo = await createTestRepo(shared.world, { ".zakenak.yaml": config(), ...files("blue") });
    await bot.start({
      kube: { kubeconfig: kubeconfigWithDecoy(port), applyWait: false, lockWaitMs: 60_000 },
    });
  });

  afterAll(async () => {
    await bot?.close();
    decoy?.close();
  });

  it("deploys a push to the environment's branch, as the default branch maps it", async () => {
    const sha = await put("develop", files("green"));
    const { delivered, push } = await deployPush("develop", sha);
    expect(push.returnvalue).toEqual({ result: "enqueued", environments: [dev] });
    const applied = await applyOf(delivered.jobId);
    expect(applied.failedReason).toBeUndefined();
    expect(applied.returnvalue).toMatchObject({ result: "succeeded" });
    expect(await color()).toEqual({ color: "green" });
  });

  it("deploys nothing from a feature branch whose own .zakenak.yaml maps the environment to itself, and says why", async () => {
    const before = await listRevisions(shared.client, dev);
    const sha = await put(
      "develop",
      { ".zakenak.yaml": config("", "feature-x"), ...files("red") },
      "feature-x",
    );
    const { push } = await deployPush("feature-x", sha);
    expect(push.returnvalue).toEqual({ result: "skipped", environments: [] });
    const status = await applyStatus(sha, dev);
    expect(status?.status).toBe("failure");
    expect(status?.description).toContain(`only this commit's .zakenak.yaml maps feature-x to ${dev}`);
    expect(await listRevisions(shared.client, dev)).toEqual(before);
    expect(await color()).toEqual({ color: "green" });
  });

  it("never reads the kube context a pull request names, and plans against the default branch's", async () => {
    await put(
      "develop",
      { ".zakenak.yaml": config("\n    kubeContext: evil"), ...files("purple") },
      "ctx-pr",
    );
    const pr = await shared.world.admin.openPullRequest({
      owner: repo.owner,
      repo: repo.name,
      head: "ctx-pr",
      base: "develop",
    });
    const job = await bot.finished(
      (await bot.deliver(await pullRequestEvent(shared.world, repo, pr.number))).jobId,
    );
    expect(job.returnvalue).toMatchObject({ result: "planned" });
    expect(decoyConnections).toBe(0);
    const [comment] = await botComments(shared.world, repo, pr.number, PLAN_MARKER);
    // The cluster view is there, from the context the default branch (the current context) names.
    expect(comment?.body).toContain("Cluster view");
    expect(comment?.body).toContain("purple");
    expect(comment?.body).not.toContain("cluster not reachable");
  });

  it("gives a pull request from a fork the repository view only", async () => {
    const writer = shared.world.writer;
    const asWriter = new GiteaFixture(shared.world.gitea.url, writer.token);
    const forked = await asWriter.request("POST", `repos/${repo.owner}/${repo.name}/forks`, {
      body: {},
      expect: [202],
    });
    const fork = (await forked.json()) as { name: string; owner: { login: string } };
    await asWriter.putFiles({
      owner: fork.owner.login,
      repo: fork.name,
      branch: "develop",
      newBranch: "from-fork",
      files: files("orange"),
      message: "from a fork",
    });
    const pr = await shared.world.admin.openPullRequest({
      owner: repo.owner,
      repo: repo.name,
      head: `${fork.owner.login}:from-fork`,
      base: "develop",
    });
    const event = { ...(await pullRequestEvent(shared.world, repo, pr.number)), sender: writer.username };
    const job = await bot.finished((await bot.deliver(event)).jobId);
    expect(job.returnvalue).toMatchObject({ result: "planned" });
    const [comment] = await botComments(shared.world, repo, pr.number, PLAN_MARKER);
    expect(comment?.body).toContain("orange");
    expect(comment?.body).toContain("no cluster view for a pull request from a fork");
    expect(comment?.body).not.toContain("live objects against a server-side dry run of the head\n\n<");
  });

  it("applies nothing for a replayed old push after a newer deploy, nor for a re-delivered applied one", async () => {
    const older = await put("develop", files("yellow"));
    const first = await deployPush("develop", older);
    expect((await applyOf(first.delivered.jobId)).returnvalue).toMatchObject({ result: "succeeded" });
    const newer = await put("develop", files("black"));
    const second = await deployPush("develop", newer);
    expect((await applyOf(second.delivered.jobId)).returnvalue).toMatchObject({ result: "succeeded" });
    const revisions = await listRevisions(shared.client, dev);

    // The same body re-signed with a new delivery id, however late.
    const replay = await deployPush("develop", older);
    const replayed = await applyOf(replay.delivered.jobId);
    expect(replayed.returnvalue).toMatchObject({ result: "skipped" });
    expect(replayed.returnvalue.reason).toContain(`refs/heads/develop now points at ${newer.slice(0, 12)}`);
    const again = await deployPush("develop", newer);
    const reapplied = await applyOf(again.delivered.jobId);
    expect(reapplied.returnvalue).toEqual({
      result: "skipped",
      reason: `${newer.slice(0, 12)} was already applied as revision ${revisions[0]?.number}`,
    });
    expect(await listRevisions(shared.client, dev)).toEqual(revisions);
    expect(await color()).toEqual({ color: "black" });
    expect((await applyStatus(older, dev))?.description).toContain("not deployed");
  });

  it("never lets a replayed old push supersede a newer one waiting for the lock", async () => {
    const older = (
      await shared.world.admin.getBranch({ owner: repo.owner, repo: repo.name, name: "develop" })
    ).commit.id;
    const lock = await acquireLock(shared.client, {
      environment: dev,
      holder: "test/holds-the-lock",
      description: "a test holding the lock",
      waitMs: 0,
    });
    const newer = await put("develop", files("teal"));
    const waiting = await deployPush("develop", newer);
    const newerApply = applyJobId({ parentJobId: waiting.delivered.jobId, environment: dev });
    await waitFor("the newer push to wait for the lock", () =>
      bot.logs.lines.some((l) => l.jobId === newerApply && l.msg === "waiting for the lock"),
    );
    const replay = await deployPush("develop", older);
    expect((await applyOf(replay.delivered.jobId)).returnvalue).toMatchObject({ result: "skipped" });
    await lock.release();
    expect((await bot.finished(newerApply)).returnvalue).toMatchObject({ result: "succeeded" });
    expect(await color()).toEqual({ color: "teal" });
  });

  it("skips a tag that moved before its deploy started", async () => {
    const develop = await shared.world.admin.getBranch({
      owner: repo.owner,
      repo: repo.name,
      name: "develop",
    });
    const first = develop.commit.id;
    const tag = `v1.${hex(2)}`;
    const moved = await put("develop", files("white"));
    // The tag now points at the newer commit; the delivery for the older one arrives late.
    await shared.world.admin.json("POST", `repos/${repo.owner}/${repo.name}/tags`, {
      tag_name: tag,
      target: moved,
    });
    const { delivered } = await deployPush(tag, first, true);
    const job = await applyOf(delivered.jobId, prod);
    expect(job.returnvalue).toEqual({
      result: "skipped",
      reason: `refs/tags/${tag} now points at ${moved.slice(0, 12)}`,
    });
    expect(await listRevisions(shared.client, prod)).toEqual([]);
  });

  it("never deploys by push a commit older than the deployed one: only /rollback goes back", async () => {
    const branch = (name: string) =>
      shared.world.admin.getBranch({ owner: repo.owner, repo: repo.name, name });
    const tip = (await branch("develop")).commit.id;
    const old = (await branch("main")).commit.id;
    const tagAt = async (target: string) => {
      const tag = `v2.${hex(2)}`;
      await shared.world.admin.json("POST", `repos/${repo.owner}/${repo.name}/tags`, {
        tag_name: tag,
        target,
      });
      return tag;
    };
    const current = await deployPush(await tagAt(tip), tip, true);
    expect((await applyOf(current.delivered.jobId, prod)).returnvalue).toMatchObject({ result: "succeeded" });
    const revisions = await listRevisions(shared.client, prod);

    // A new tag on an old commit: the ref is real and points at it, but the commit is behind prod.
    const stale = await deployPush(await tagAt(old), old, true);
    const job = await applyOf(stale.delivered.jobId, prod);
    expect(job.returnvalue).toEqual({
      result: "skipped",
      reason: `${old.slice(0, 12)} is older than revision ${revisions[0]?.number} (${tip.slice(0, 12)}), which is deployed; only /rollback goes back`,
    });
    expect(await listRevisions(shared.client, prod)).toEqual(revisions);
  });
});

describe("what the operator's server configuration decides", () => {
  const dev = uniqueName("dev");
  const other = uniqueName("other");
  const ns = uniqueName("tenant");
  let bot: BotUnderTest;
  let repo: TestRepo;

  beforeAll(async () => {
    repo = await createTestRepo(shared.world, {
      ".zakenak.yaml": `environments:\n  - name: ${dev}\n    branch: develop\n  - name: ${other}\n    branch: develop\nreleases:\n  - name: app\n    namespace: ${ns}\n    manifests: manifests\n`,
      "manifests/a.yaml": configMapYaml(ns, "a", { x: "1" }),
      "manifests/b/b.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: ${ns}\n`,
    });
    const server = parseServerConfig(
      `repositories:\n  - match: ${repo.ref.fullName}\n    environments:\n      ${dev}: {}\n    limits:\n      archive:\n        maxEntries: 3\n`,
      "server.yaml",
    );
    bot = botUnderTest(shared.world, { server });
    await bot.start();
  });

  afterAll(async () => {
    await bot?.close();
  });

  it("refuses an environment it does not grant and an archive over its limits, writing nothing", async () => {
    const sha = (await shared.world.admin.getBranch({ owner: repo.owner, repo: repo.name, name: "develop" }))
      .commit.id;
    const delivered = await bot.deliver(pushEvent(repo, "develop", sha, shared.world.writer.username));
    const push = await bot.finished(delivered.jobId);
    expect(push.returnvalue).toEqual({ result: "enqueued", environments: [dev] });
    const statuses = await statusesOf(shared.world, repo, sha);
    expect(statuses.get(`zakenak/apply: ${other}`)?.description).toContain("[environment-not-granted]");

    const apply = await bot.finished(applyJobId({ parentJobId: delivered.jobId, environment: dev }));
    expect(await apply.getState()).toBe("failed");
    expect(apply.failedReason).toContain("maxEntries");
    await expect
      .poll(async () => (await statusesOf(shared.world, repo, sha)).get(`zakenak/apply: ${dev}`)?.status)
      .toBe("failure");
    expect(await listRevisions(shared.client, dev)).toEqual([]);
  });
});
