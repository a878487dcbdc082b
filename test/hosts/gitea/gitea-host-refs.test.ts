import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitHost } from "../../../src/hosts/git-host.js";
import { createGiteaHost } from "../../../src/hosts/gitea/gitea-host.js";
import type { RepoRef } from "../../../src/hosts/host-event.js";
import { DEFAULT_ARCHIVE_LIMITS } from "../../../src/hosts/shared/archive-limits.js";
import { giteaBuild } from "../../support/gitea/gitea-build.js";
import { GiteaFixture } from "../../support/gitea/gitea-fixture.js";
import type { GiteaUser } from "../../support/gitea/gitea-users.js";
import { type GiteaServer, startGitea } from "../../support/gitea/start-gitea.js";
import { tempRepo } from "../../support/temp-repo.js";
import { rejection } from "../shared/rejection.js";

// Building Gitea on a cold cache takes minutes.
const buildTimeoutMs = 20 * 60_000;
const owner = "zakenak-admin";

describe("Gitea host against a real Gitea: refs, ancestry, forks", () => {
  let gitea: GiteaServer;
  let admin: GiteaFixture;
  let writer: GiteaUser;
  let host: GitHost;
  const repo: RepoRef = { host: "gitea", fullName: `${owner}/history` };
  const names = { owner, repo: "history" };
  /** I (initial) ← A ← B on main; C on side, branched at A. */
  const sha = { initial: "", a: "", b: "", c: "" };

  beforeAll(async () => {
    gitea = await startGitea({ build: await giteaBuild() });
    admin = new GiteaFixture(gitea.url, gitea.adminToken);
    const bot = await admin.createUser({ username: "zakenak-bot" });
    writer = await admin.createUser({ username: "writer" });
    await admin.createRepo({ name: "history" });
    await admin.addCollaborator({ ...names, user: bot.username, permission: "read" });
    host = createGiteaHost({ url: gitea.url, token: bot.token });
    sha.initial = (await admin.getBranch({ ...names, name: "main" })).commit.id;
    sha.a = (await admin.putFile({ ...names, path: "a.txt", content: "a\n", branch: "main" })).commitSha;
    await admin.createBranch({ ...names, name: "side", from: "main" });
    await admin.createBranch({ ...names, name: "release/1.x", from: "main" });
    sha.b = (await admin.putFile({ ...names, path: "b.txt", content: "b\n", branch: "main" })).commitSha;
    sha.c = (await admin.putFile({ ...names, path: "c.txt", content: "c\n", branch: "side" })).commitSha;
  }, buildTimeoutMs);

  afterAll(async () => {
    await gitea?.stop();
  });

  it("reads where branches point now, a name with a slash included", async () => {
    expect(await host.refSha(repo, "refs/heads/main")).toBe(sha.b);
    expect(await host.refSha(repo, "refs/heads/side")).toBe(sha.c);
    expect(await host.refSha(repo, "refs/heads/release/1.x")).toBe(sha.a);
  });

  it("peels an annotated tag to its commit, and follows a tag that moved", async () => {
    const tagsPath = `repos/${owner}/history/tags`;
    const annotated = await admin.json<{ id: string; commit: { sha: string } }>("POST", tagsPath, {
      tag_name: "v1.0.0",
      target: sha.a,
      message: "Release 1.0.0",
    });
    // A real annotated tag: the tag object is not the commit.
    expect(annotated.id).not.toBe(sha.a);
    await admin.json("POST", tagsPath, { tag_name: "light", target: sha.c });
    expect(await host.refSha(repo, "refs/tags/v1.0.0")).toBe(sha.a);
    expect(await host.refSha(repo, "refs/tags/light")).toBe(sha.c);
    // Re-pointing a tag is how an old push would be replayed onto a new commit.
    await admin.request("DELETE", `${tagsPath}/v1.0.0`);
    await admin.json("POST", tagsPath, { tag_name: "v1.0.0", target: sha.b, message: "Release 1.0.0 again" });
    expect(await host.refSha(repo, "refs/tags/v1.0.0")).toBe(sha.b);
  });

  it("answers undefined for refs that do not exist", async () => {
    expect(await host.refSha(repo, "refs/heads/nope")).toBeUndefined();
    expect(await host.refSha(repo, "refs/tags/nope")).toBeUndefined();
    // A branch name is not a tag name.
    expect(await host.refSha(repo, "refs/tags/side")).toBeUndefined();
  });

  it("tells ancestors apart along one line of history", async () => {
    expect(await host.isAncestor(repo, sha.a, sha.b)).toBe(true);
    expect(await host.isAncestor(repo, sha.initial, sha.b)).toBe(true);
    expect(await host.isAncestor(repo, sha.b, sha.a)).toBe(false);
    expect(await host.isAncestor(repo, sha.b, sha.b)).toBe(true);
  });

  it("tells ancestors apart across diverged branches", async () => {
    expect(await host.isAncestor(repo, sha.a, sha.c)).toBe(true);
    expect(await host.isAncestor(repo, sha.b, sha.c)).toBe(false);
    expect(await host.isAncestor(repo, sha.c, sha.b)).toBe(false);
  });

  it("answers false for histories with no commit in common", async () => {
    // The API cannot make a root commit, so an unrelated one is pushed over HTTP.
    const local = tempRepo({ "other.txt": "o\n" });
    try {
      const orphan = local.commit("Unrelated root");
      const remote = new URL(`${owner}/history.git`, gitea.url);
      remote.username = gitea.adminUser;
      remote.password = gitea.adminPassword;
      // Piped: git would print Gitea's "create a pull request" hints into the test output.
      execFileSync("git", ["-C", local.dir, "push", "-q", remote.href, "main:refs/heads/unrelated"], {
        stdio: "pipe",
      });
      expect(await host.refSha(repo, "refs/heads/unrelated")).toBe(orphan);
      expect(await host.isAncestor(repo, orphan, sha.b)).toBe(false);
      expect(await host.isAncestor(repo, sha.b, orphan)).toBe(false);
    } finally {
      local.cleanup();
    }
  });

  it("fails for a commit the repository does not have", async () => {
    const unknown = "0123456789abcdef0123456789abcdef01234567";
    expect(await rejection(host.isAncestor(repo, unknown, sha.b))).toMatchObject({
      code: "not-found",
      retryable: false,
    });
  });

  it("tells a pull request from a fork from one within the repository", async () => {
    const inside = await admin.openPullRequest({ ...names, head: "side", base: "main" });
    // 202: Gitea answers a fork as accepted, with the new repository already in the body.
    await admin.as(writer).request("POST", `repos/${owner}/history/forks`, { body: {}, expect: [202] });
    const forkNames = { owner: writer.username, repo: "history" };
    const forkSha = (
      await admin
        .as(writer)
        .putFile({ ...forkNames, path: "fork.txt", content: "f\n", newBranch: "fork-change" })
    ).commitSha;
    const fromFork = await admin
      .as(writer)
      .openPullRequest({ ...names, head: `${writer.username}:fork-change`, base: "main" });

    expect(await host.getPullRequest(repo, inside.number)).toMatchObject({ headSha: sha.c, fromFork: false });
    expect(await host.getPullRequest(repo, fromFork.number)).toMatchObject({
      headSha: forkSha,
      headBranch: "fork-change",
      fromFork: true,
    });
    // Deleting the fork leaves the pull request without a head repository: still from a fork.
    await admin.as(writer).request("DELETE", `repos/${writer.username}/history`);
    expect(await host.getPullRequest(repo, fromFork.number)).toMatchObject({ fromFork: true });
  });

  it("holds the archive download to the limits it is given", async () => {
    const dest = await mkdtemp(join(tmpdir(), "zakenak-gitea-limits-"));
    try {
      const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 2 };
      const error = await rejection(host.downloadArchive(repo, sha.b, dest, limits));
      expect(error).toMatchObject({ code: "archive-too-large", retryable: false });
      expect(error.message).toContain("limits.archive.maxEntries");
      expect(await readdir(dest)).toEqual([]);
      await host.downloadArchive(repo, sha.b, dest);
      expect((await readdir(dest)).sort()).toEqual(["README.md", "a.txt", "b.txt"]);
    } finally {
      await rm(dest, { recursive: true, force: true });
    }
  });
});
