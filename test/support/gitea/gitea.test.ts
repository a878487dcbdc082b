import { createHmac, timingSafeEqual } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isProcessAlive } from "../../../src/control-plane/is-process-alive.js";
import { type GiteaBuild, giteaBuild, giteaVersion } from "./gitea-build.js";
import { GiteaFixture } from "./gitea-fixture.js";
import type { GiteaPullRequest } from "./gitea-pull-requests.js";
import type { GiteaUser } from "./gitea-users.js";
import { type GiteaServer, startGitea } from "./start-gitea.js";
import {
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookReceiver,
} from "./start-webhook-receiver.js";

// Building Gitea on a cold cache takes minutes on two cores.
const buildTimeoutMs = 20 * 60_000;
const fixturesDir = fileURLToPath(new URL("../../fixtures/gitea/", import.meta.url));
const webhookSecret = "zakenak-test-webhook-secret";

interface Payload {
  action?: string;
  ref?: string;
  after?: string;
  number?: number;
  is_pull?: boolean;
  comment?: { body: string; user: { login: string } };
  issue?: { number: number };
  pull_request?: { number: number; merged: boolean; state: string };
  commits?: { id: string }[];
}

const payloadOf = (hook: ReceivedWebhook) => hook.payload as Payload;

function expectSigned(hook: ReceivedWebhook): void {
  const signature = String(hook.headers["x-gitea-signature"] ?? "");
  const expected = createHmac("sha256", webhookSecret).update(hook.rawBody).digest("hex");
  expect(signature).toMatch(/^[0-9a-f]{64}$/);
  expect(timingSafeEqual(Buffer.from(signature), Buffer.from(expected))).toBe(true);
  expect(hook.headers["x-gitea-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
}

/**
 * With ZAKENAK_CAPTURE_GITEA_FIXTURES set, stores a delivery for the bot's parser tests: the body byte for
 * byte (so its signature still checks out with webhookSecret) and its headers beside it.
 */
async function capture(name: string, hook: ReceivedWebhook): Promise<void> {
  if (!process.env.ZAKENAK_CAPTURE_GITEA_FIXTURES) return;
  await mkdir(fixturesDir, { recursive: true });
  await writeFile(`${fixturesDir}${name}.json`, hook.rawBody);
  const headers = Object.fromEntries(
    Object.entries(hook.headers).filter(([key]) => key.startsWith("x-gitea-") || key === "content-type"),
  );
  await writeFile(
    `${fixturesDir}${name}.headers.json`,
    `${JSON.stringify({ secret: webhookSecret, headers }, null, 2)}\n`,
  );
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

/** Pids of live processes whose command line mentions text (Gitea's directory is in all of its own). */
function processesMentioning(text: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text) && isProcessAlive(pid);
      } catch {
        return false;
      }
    });
}

describe("Gitea test server", () => {
  let build: GiteaBuild;
  let gitea: GiteaServer;
  let admin: GiteaFixture;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    build = await giteaBuild();
    [gitea, receiver] = await Promise.all([startGitea({ build }), startWebhookReceiver()]);
    admin = new GiteaFixture(gitea.url, gitea.adminToken);
  }, buildTimeoutMs);

  afterAll(async () => {
    await gitea?.stop();
    await receiver?.close();
  });

  it("answers with the version it was built as", async () => {
    expect(await admin.version()).toBe(giteaVersion().slice(1));
  });

  describe("a repository with a webhook and a collaborator", () => {
    const owner = "zakenak-admin";
    const repo = "deployments";
    let reviewer: GiteaUser;
    let pr: GiteaPullRequest;
    let featureCommit: string;

    beforeAll(async () => {
      reviewer = await admin.createUser({ username: "reviewer" });
      const created = await admin.createRepo({ name: repo });
      expect(created.owner.login).toBe(owner);
      expect(created.default_branch).toBe("main");
      await admin.addCollaborator({ owner, repo, user: reviewer.username, permission: "write" });
      await admin.createWebhook({ owner, repo, url: receiver.url, secret: webhookSecret });
    });

    it("reports a collaborator's permission", async () => {
      const permission = await admin.collaboratorPermission({ owner, repo, user: reviewer.username });
      expect(permission.permission).toBe("write");
      expect(permission.user.login).toBe(reviewer.username);
      const stranger = await admin.createUser();
      expect((await admin.collaboratorPermission({ owner, repo, user: stranger.username })).permission).toBe(
        "read",
      );
    });

    it("delivers a signed push when a file is written on a new branch", async () => {
      await admin.createBranch({ owner, repo, name: "feature", from: "main" });
      featureCommit = (
        await admin.putFile({
          owner,
          repo,
          path: "apps/web/values.yaml",
          content: "replicas: 2\n",
          branch: "feature",
          message: "Scale web to 2",
        })
      ).commitSha;
      const push = await receiver.waitFor(
        (hook) => hook.event === "push" && payloadOf(hook).after === featureCommit,
        `a push of ${featureCommit}`,
      );
      expectSigned(push);
      expect(push.eventType).toBe("push");
      expect(payloadOf(push).ref).toBe("refs/heads/feature");
      expect(payloadOf(push).commits?.map((commit) => commit.id)).toContain(featureCommit);
      expect(await admin.readFile({ owner, repo, path: "apps/web/values.yaml", ref: "feature" })).toBe(
        "replicas: 2\n",
      );
      await capture("push", push);
    });

    it("delivers pull_request opened", async () => {
      pr = await admin.openPullRequest({ owner, repo, head: "feature", base: "main", title: "Scale web" });
      expect(pr.number).toBeGreaterThan(0);
      const opened = await receiver.waitFor(
        (hook) => hook.event === "pull_request" && payloadOf(hook).action === "opened",
        "pull_request opened",
      );
      expectSigned(opened);
      expect(payloadOf(opened).number).toBe(pr.number);
      await capture("pull-request-opened", opened);
    });

    it("delivers a collaborator's comment on the pull request as issue_comment", async () => {
      const comment = await admin
        .as(reviewer)
        .comment({ owner, repo, number: pr.number, body: "/zakenak plan" });
      expect(comment.user.login).toBe(reviewer.username);
      const delivered = await receiver.waitFor(
        (hook) => hook.event === "issue_comment" && payloadOf(hook).comment?.body === "/zakenak plan",
        "issue_comment with /zakenak plan",
      );
      expectSigned(delivered);
      expect(delivered.eventType).toBe("pull_request_comment");
      expect(payloadOf(delivered).is_pull).toBe(true);
      expect(payloadOf(delivered).issue?.number).toBe(pr.number);
      expect(payloadOf(delivered).comment?.user.login).toBe(reviewer.username);
      const comments = await admin.listComments({ owner, repo, number: pr.number });
      expect(comments.map((c) => [c.user.login, c.body])).toContainEqual([
        reviewer.username,
        "/zakenak plan",
      ]);
      await capture("issue-comment-pull-request", delivered);
    });

    it("records commit statuses", async () => {
      await admin.createCommitStatus({
        owner,
        repo,
        sha: featureCommit,
        state: "success",
        context: "zakenak/plan",
        description: "1 change",
      });
      const statuses = await admin.commitStatuses({ owner, repo, ref: featureCommit });
      expect(statuses.map((s) => [s.context, s.status])).toEqual([["zakenak/plan", "success"]]);
      expect((await admin.combinedStatus({ owner, repo, ref: featureCommit })).state).toBe("success");
    });

    it("delivers pull_request closed (merged) and a push when the pull request is merged", async () => {
      await admin.mergePullRequest({ owner, repo, number: pr.number });
      const merged = await admin.getPullRequest({ owner, repo, number: pr.number });
      expect(merged.merged).toBe(true);
      expect(merged.merge_commit_sha).toMatch(/^[0-9a-f]{40}$/);
      const closed = await receiver.waitFor(
        (hook) => hook.event === "pull_request" && payloadOf(hook).action === "closed",
        "pull_request closed",
      );
      expectSigned(closed);
      expect(payloadOf(closed).pull_request?.merged).toBe(true);
      const push = await receiver.waitFor(
        (hook) => hook.event === "push" && payloadOf(hook).after === merged.merge_commit_sha,
        `a push of the merge commit ${merged.merge_commit_sha}`,
      );
      expectSigned(push);
      expect(payloadOf(push).ref).toBe("refs/heads/main");
      expect((await admin.getBranch({ owner, repo, name: "main" })).commit.id).toBe(merged.merge_commit_sha);
      await capture("pull-request-merged", closed);
      await capture("push-merge", push);
    });

    it("serves an archive of a commit", async () => {
      const sha = (await admin.getBranch({ owner, repo, name: "main" })).commit.id;
      const archive = await admin.archive({ owner, repo, ref: sha });
      const tar = gunzipSync(archive).toString("latin1");
      expect(tar).toContain(`${repo}/apps/web/values.yaml`);
      expect(tar).toContain("replicas: 2\n");
    });
  });

  it("stops without leaving a process or an open port behind", async () => {
    const port = Number(new URL(gitea.url).port);
    await gitea.stop();
    expect(await portRefuses(port)).toBe(true);
    expect(isProcessAlive(gitea.pid)).toBe(false);
    expect(processesMentioning(gitea.dir)).toEqual([]);
    expect(build.binary).toMatch(/gitea$/);
  });
});
