import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isZakenakError, type ZakenakError } from "../../../src/errors.js";
import type { GitHost } from "../../../src/hosts/git-host.js";
import { createGiteaHost } from "../../../src/hosts/gitea/gitea-host.js";
import type { RepoRef } from "../../../src/hosts/host-event.js";
import { giteaBuild } from "../../support/gitea/gitea-build.js";
import { GiteaFixture } from "../../support/gitea/gitea-fixture.js";
import type { GiteaPullRequest } from "../../support/gitea/gitea-pull-requests.js";
import type { GiteaUser } from "../../support/gitea/gitea-users.js";
import { type GiteaServer, startGitea } from "../../support/gitea/start-gitea.js";

// Building Gitea on a cold cache takes minutes.
const buildTimeoutMs = 20 * 60_000;
const owner = "zakenak-admin";
const marker = "<!-- zakenak:plan:dev -->";

async function rejection(promise: Promise<unknown>): Promise<ZakenakError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isZakenakError(error)) throw new Error(`expected a ZakenakError, got ${String(error)}`);
  return error;
}

describe("Gitea host against a real Gitea", () => {
  let gitea: GiteaServer;
  let admin: GiteaFixture;
  let botAccount: GiteaUser;
  let writer: GiteaUser;
  let reader: GiteaUser;
  let stranger: GiteaUser;
  let host: GitHost;
  let pr: GiteaPullRequest;
  let featureSha: string;
  const repo: RepoRef = { host: "gitea", fullName: `${owner}/deployments` };
  const secretRepo: RepoRef = { host: "gitea", fullName: `${owner}/secrets` };
  const names = { owner, repo: "deployments" };

  beforeAll(async () => {
    gitea = await startGitea({ build: await giteaBuild() });
    admin = new GiteaFixture(gitea.url, gitea.adminToken);
    [botAccount, writer, reader, stranger] = await Promise.all([
      admin.createUser({ username: "zakenak-bot" }),
      admin.createUser({ username: "writer" }),
      admin.createUser({ username: "reader" }),
      admin.createUser({ username: "stranger" }),
    ]);
    await admin.createRepo({ name: "deployments" });
    await admin.createRepo({ name: "secrets", private: true });
    // The bot needs repository admin rights to ask about other users' permissions.
    await admin.addCollaborator({ ...names, user: botAccount.username, permission: "admin" });
    await admin.addCollaborator({ owner, repo: "secrets", user: botAccount.username, permission: "admin" });
    await admin.addCollaborator({ ...names, user: writer.username, permission: "write" });
    await admin.addCollaborator({ ...names, user: reader.username, permission: "read" });
    host = createGiteaHost({ url: gitea.url, token: botAccount.token });
  }, buildTimeoutMs);

  afterAll(async () => {
    await gitea?.stop();
  });

  let dest: string;
  beforeEach(async () => {
    dest = await mkdtemp(join(tmpdir(), "zakenak-gitea-host-"));
  });
  afterEach(async () => {
    await rm(dest, { recursive: true, force: true });
  });

  it("knows its own user", async () => {
    expect(host.kind).toBe("gitea");
    expect(await host.botUser()).toBe("zakenak-bot");
  });

  it("reads an open pull request, with the base branch's tip as it is now", async () => {
    await admin.createBranch({ ...names, name: "feature", from: "main" });
    featureSha = (
      await admin.putFiles({
        ...names,
        branch: "feature",
        files: { "apps/web/values.yaml": "replicas: 2\n", "zakenak.yaml": "environments: []\n" },
        message: "Scale web",
      })
    ).commitSha;
    pr = await admin.openPullRequest({ ...names, head: "feature", base: "main" });
    const mainBefore = (await admin.getBranch({ ...names, name: "main" })).commit.id;
    expect(await host.getPullRequest(repo, pr.number)).toEqual({
      number: pr.number,
      headSha: featureSha,
      headBranch: "feature",
      baseBranch: "main",
      baseSha: mainBefore,
      state: "open",
      fromFork: false,
    });
    const mainNow = (await admin.putFile({ ...names, path: "NOTES.md", content: "n\n", branch: "main" }))
      .commitSha;
    expect((await host.getPullRequest(repo, pr.number)).baseSha).toBe(mainNow);
  });

  it("creates the marked comment, then edits that same one in place", async () => {
    // Another user's comment quoting the marker must not be taken for the bot's.
    await admin.as(writer).comment({ ...names, number: pr.number, body: `quoting ${marker}` });
    const first = await host.upsertComment(repo, pr.number, marker, `${marker}\nplan v1`);
    expect(first.created).toBe(true);
    const second = await host.upsertComment(repo, pr.number, marker, `${marker}\nplan v2`);
    expect(second).toEqual({ id: first.id, created: false });
    const again = await host.upsertComment(repo, pr.number, marker, `${marker}\nplan v2`);
    expect(again).toEqual({ id: first.id, created: false });
    const mine = (await admin.listComments({ ...names, number: pr.number })).filter(
      (c) => c.user.login === "zakenak-bot",
    );
    expect(mine.map((c) => [String(c.id), c.body])).toEqual([[first.id, `${marker}\nplan v2`]]);
  });

  it("creates a plain reply comment", async () => {
    await host.createComment(repo, pr.number, "Applied to dev.");
    const bodies = (await admin.listComments({ ...names, number: pr.number })).map((c) => c.body);
    expect(bodies).toContain("Applied to dev.");
  });

  it("moves one status context from pending to success", async () => {
    const context = "zakenak/plan: dev";
    await host.setStatus(repo, featureSha, {
      context,
      state: "pending",
      description: "planning",
      targetUrl: "https://zakenak.example/runs/1",
    });
    await host.setStatus(repo, featureSha, { context, state: "success", description: "no changes" });
    const combined = await admin.combinedStatus({ ...names, ref: featureSha });
    expect(
      combined.statuses?.filter((s) => s.context === context).map((s) => [s.status, s.description]),
    ).toEqual([["success", "no changes"]]);
    expect(combined.state).toBe("success");
  });

  it("normalizes permissions: owner, collaborators, strangers and unknown users", async () => {
    expect(await host.getPermission(repo, owner)).toBe("admin");
    expect(await host.getPermission(repo, "zakenak-bot")).toBe("admin");
    expect(await host.getPermission(repo, writer.username)).toBe("write");
    expect(await host.getPermission(repo, reader.username)).toBe("read");
    // Anyone may read a public repository; a private one gives a stranger nothing.
    expect(await host.getPermission(repo, stranger.username)).toBe("read");
    expect(await host.getPermission(secretRepo, stranger.username)).toBe("none");
    expect(await host.getPermission(repo, "nobody-by-that-name")).toBe("none");
  });

  it("downloads the archive at a sha without its top directory", async () => {
    await host.downloadArchive(repo, featureSha, dest);
    expect((await readdir(dest)).sort()).toEqual(["README.md", "apps", "zakenak.yaml"]);
    expect(await readFile(join(dest, "apps/web/values.yaml"), "utf8")).toBe("replicas: 2\n");
  });

  it("reads a file at a ref, undefined when it is not there", async () => {
    expect(await host.readFile(repo, "feature", "apps/web/values.yaml")).toBe("replicas: 2\n");
    expect(await host.readFile(repo, featureSha, "zakenak.yaml")).toBe("environments: []\n");
    expect(await host.readFile(repo, "main", "apps/web/values.yaml")).toBeUndefined();
  });

  it("reports an unsigned commit as not verified", async () => {
    expect(await host.isCommitVerified(repo, featureSha)).toBe(false);
  });

  it("sees the merge: state merged, and the merge commit leads back to the pull request", async () => {
    await admin.mergePullRequest({ ...names, number: pr.number });
    const merged = await admin.getPullRequest({ ...names, number: pr.number });
    expect(await host.getPullRequest(repo, pr.number)).toMatchObject({ state: "merged" });
    expect(merged.merge_commit_sha).toBeTruthy();
    expect(await host.pullRequestForCommit(repo, merged.merge_commit_sha as string)).toBe(pr.number);
    const unrelated = (await admin.putFile({ ...names, path: "OTHER.md", content: "o\n", branch: "main" }))
      .commitSha;
    expect(await host.pullRequestForCommit(repo, unrelated)).toBeUndefined();
  });

  it("reports a closed, unmerged pull request as closed", async () => {
    await admin.createBranch({ ...names, name: "abandoned", from: "main" });
    await admin.putFile({ ...names, path: "x.txt", content: "x\n", branch: "abandoned" });
    const abandoned = await admin.openPullRequest({ ...names, head: "abandoned", base: "main" });
    await admin.json("PATCH", `repos/${owner}/deployments/pulls/${abandoned.number}`, { state: "closed" });
    expect(await host.getPullRequest(repo, abandoned.number)).toMatchObject({ state: "closed" });
  });

  it("fails a missing pull request for good, naming host, call and repository", async () => {
    const error = await rejection(host.getPullRequest(repo, 9999));
    expect(error).toMatchObject({ code: "not-found", retryable: false });
    expect(error.message).toContain(`Gitea getPullRequest on ${owner}/deployments`);
  });

  it("keeps a rejected token out of the error", async () => {
    const badToken = "0123456789abcdef0123456789abcdef01234567";
    const error = await rejection(createGiteaHost({ url: gitea.url, token: badToken }).botUser());
    expect(error).toMatchObject({ code: "unauthorized", retryable: false });
    expect(error.message).not.toContain(badToken);
  });

  it("makes an unreachable server retryable", async () => {
    const error = await rejection(
      createGiteaHost({ url: "http://127.0.0.1:1", token: "t0k3n-not-used" }).botUser(),
    );
    expect(error).toMatchObject({ code: "host-unavailable", retryable: true });
  });
});
