import { describe, expect, it } from "vitest";
import { rejection } from "../shared/rejection.js";
import {
  bbsBranch,
  bbsComment,
  bbsPullRequest,
  bbsRepository,
  bbsUser,
  commentActivity,
  developTip,
  headSha,
  mergeSha,
  page,
} from "./bitbucket-server-fixtures.js";
import {
  api,
  bot,
  botUserExpectation,
  marker,
  repo,
  repoPath,
  token,
  useBitbucketServerHarness,
} from "./bitbucket-server-harness.js";

const h = useBitbucketServerHarness();
const pr12 = `${repoPath}/pull-requests/12`;
const developBranch = (sha = developTip) => ({
  method: "GET",
  path: `${repoPath}/branches`,
  query: { filterText: "develop", boostMatches: "true" },
  json: page([bbsBranch("develop-old", "1".repeat(40)), bbsBranch("develop", sha)]),
});

describe("Bitbucket Server host: pull requests", () => {
  it("reads a pull request, with where its target branch stands now", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: pr12,
        requestHeaders: { authorization: `Bearer ${token}` },
        json: bbsPullRequest({ base: "5".repeat(40) }),
      },
      developBranch(),
    );
    expect(await h.host.getPullRequest(repo, 12)).toEqual({
      number: 12,
      headSha,
      headBranch: "feature-green",
      baseBranch: "develop",
      baseSha: developTip,
      state: "open",
      fromFork: false,
    });
  });

  it.each([
    ["MERGED", "merged"],
    ["DECLINED", "closed"],
  ] as const)("maps %s to %s, the PR's own base when the branch is gone", async (state, expected) => {
    h.fake.expect(
      { method: "GET", path: pr12, json: bbsPullRequest({ state }) },
      { method: "GET", path: `${repoPath}/branches`, json: page([]) },
    );
    expect(await h.host.getPullRequest(repo, 12)).toMatchObject({ state: expected, baseSha: developTip });
  });

  it("tells a pull request from a fork by its source repository", async () => {
    const fork = bbsRepository({ key: "~DANA", repo: "deployments", id: 77 });
    h.fake.expect(
      { method: "GET", path: pr12, json: bbsPullRequest({ fromRepository: fork }) },
      developBranch(),
    );
    expect(await h.host.getPullRequest(repo, 12)).toMatchObject({ fromFork: true });
  });

  it("finds the merged pull request whose merge commit is the commit, over every page", async () => {
    const path = `${repoPath}/commits/${mergeSha}/pull-requests`;
    h.fake.expect(
      {
        method: "GET",
        path,
        query: { start: "0" },
        json: page([bbsPullRequest({ id: 30, state: "OPEN" })], { last: false }),
      },
      {
        method: "GET",
        path,
        query: { start: "1" },
        json: page(
          [
            bbsPullRequest({ id: 11, state: "MERGED", mergeCommit: "7".repeat(40) }),
            bbsPullRequest({ id: 12, state: "MERGED", mergeCommit: mergeSha }),
          ],
          { start: 1 },
        ),
      },
    );
    expect(await h.host.pullRequestForCommit(repo, mergeSha)).toBe(12);
  });

  it("finds no pull request for a commit pushed straight to the branch", async () => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/commits/${mergeSha}/pull-requests`,
      json: page([bbsPullRequest({ id: 30, state: "OPEN" })]),
    });
    expect(await h.host.pullRequestForCommit(repo, mergeSha)).toBeUndefined();
  });
});

describe("Bitbucket Server host: comments", () => {
  const activities = `${pr12}/activities`;

  it("creates the comment when the bot has none with the marker, with the XSRF header", async () => {
    h.fake.expect(
      botUserExpectation(),
      {
        method: "GET",
        path: activities,
        json: page([
          commentActivity(bbsComment(1, `${marker}\nby someone else`, bbsUser("mallory"))),
          { id: 7, action: "APPROVED", user: bbsUser("erin") },
        ]),
      },
      {
        method: "POST",
        path: `${pr12}/comments`,
        body: { text: `${marker}\nplan` },
        requestHeaders: { "x-atlassian-token": "no-check", authorization: `Bearer ${token}` },
        status: 201,
        json: bbsComment(55, `${marker}\nplan`),
      },
    );
    expect(await h.host.upsertComment(repo, 12, marker, `${marker}\nplan`)).toEqual({
      id: "55",
      created: true,
    });
  });

  it("edits the bot's comment in place with its version, found on a later page", async () => {
    h.fake.expect(
      botUserExpectation(),
      {
        method: "GET",
        path: activities,
        query: { start: "0", limit: "100" },
        json: page([commentActivity(bbsComment(1, "hello", bbsUser("dana")))], { last: false }),
      },
      {
        method: "GET",
        path: activities,
        query: { start: "1" },
        json: page([commentActivity(bbsComment(40, `${marker}\nold`, bbsUser(bot), 3))], { start: 1 }),
      },
      {
        method: "PUT",
        path: `${pr12}/comments/40`,
        body: { text: `${marker}\nnew`, version: 3 },
        requestHeaders: { "x-atlassian-token": "no-check" },
        json: bbsComment(40, `${marker}\nnew`, bbsUser(bot), 4),
      },
    );
    expect(await h.host.upsertComment(repo, 12, marker, `${marker}\nnew`)).toEqual({
      id: "40",
      created: false,
    });
  });

  it("re-reads the version after a 409 and writes again with the new one", async () => {
    const stale = bbsComment(40, `${marker}\nold`, bbsUser(bot), 3);
    h.fake.expect(
      botUserExpectation(),
      { method: "GET", path: activities, json: page([commentActivity(stale)]) },
      {
        method: "PUT",
        path: `${pr12}/comments/40`,
        body: { version: 3 },
        status: 409,
        json: {
          errors: [
            {
              message: "You are attempting to modify a comment based on out-of-date information.",
              exceptionName: "com.atlassian.bitbucket.comment.CommentOutOfDateException",
            },
          ],
        },
      },
      {
        method: "GET",
        path: `${pr12}/comments/40`,
        json: bbsComment(40, `${marker}\nedited meanwhile`, bbsUser(bot), 5),
      },
      {
        method: "PUT",
        path: `${pr12}/comments/40`,
        body: { text: `${marker}\nnew`, version: 5 },
        json: bbsComment(40, `${marker}\nnew`, bbsUser(bot), 6),
      },
    );
    expect(await h.host.upsertComment(repo, 12, marker, `${marker}\nnew`)).toEqual({
      id: "40",
      created: false,
    });
  });

  it("gives up after three conflicts with a retryable conflict error", async () => {
    const conflict = {
      method: "PUT",
      path: `${pr12}/comments/40`,
      status: 409,
      json: { errors: [{ message: "stale" }] },
    };
    const reread = {
      method: "GET",
      path: `${pr12}/comments/40`,
      json: bbsComment(40, "other", bbsUser(bot), 9),
    };
    h.fake.expect(
      botUserExpectation(),
      {
        method: "GET",
        path: activities,
        json: page([commentActivity(bbsComment(40, `${marker}\nold`, bbsUser(bot), 3))]),
      },
      { ...conflict, times: 3 },
      { ...reread, times: 2 },
    );
    const error = await rejection(h.host.upsertComment(repo, 12, marker, `${marker}\nnew`));
    expect(error).toMatchObject({ code: "conflict", retryable: true });
    expect(error.message).toBe("Bitbucket Server upsertComment on PLAT/deployments failed: HTTP 409: stale");
  });

  it("leaves an unchanged comment alone", async () => {
    h.fake.expect(botUserExpectation(), {
      method: "GET",
      path: activities,
      json: page([commentActivity(bbsComment(40, `${marker}\nsame`, bbsUser(bot)))]),
    });
    expect(await h.host.upsertComment(repo, 12, marker, `${marker}\nsame`)).toEqual({
      id: "40",
      created: false,
    });
  });

  it("trims a body over 32,767 characters and keeps the marker on top", async () => {
    h.fake.expect(
      botUserExpectation(),
      { method: "GET", path: activities, json: page([]) },
      { method: "POST", path: `${pr12}/comments`, status: 201, json: bbsComment(56, "trimmed") },
    );
    await h.host.upsertComment(repo, 12, marker, `${marker}\n${"x".repeat(40_000)}`);
    const sent = JSON.parse(h.fake.requests.at(-1)?.body ?? "{}") as { text: string };
    expect(h.host.commentLimit).toBe(32_767);
    expect(sent.text.length).toBe(32_767);
    expect(sent.text.startsWith(`${marker}\n`)).toBe(true);
    expect(sent.text).toContain("truncated");
  });

  it("splits a long reply over several new comments", async () => {
    h.fake.expect({
      method: "POST",
      path: `${pr12}/comments`,
      status: 201,
      json: bbsComment(60, "part"),
      times: 2,
    });
    await h.host.createComment(repo, 12, `${"a".repeat(20_000)}\n${"b".repeat(20_000)}`);
    const posts = h.fake.requests.slice(-2).map((r) => (JSON.parse(r.body) as { text: string }).text);
    expect(posts.map((p) => p.length)).toEqual([20_001, 20_000]);
  });

  it("refuses a token that signs in no one", async () => {
    const { headers: _, ...anonymous } = botUserExpectation();
    h.fake.expect(anonymous);
    const error = await rejection(h.host.botUser());
    expect(error.code).toBe("unauthorized");
  });
});

describe("Bitbucket Server host: build statuses", () => {
  const builds = `${repoPath}/commits/${headSha}/builds`;

  it.each([
    ["pending", "INPROGRESS"],
    ["success", "SUCCESSFUL"],
    ["failure", "FAILED"],
    ["error", "FAILED"],
  ] as const)("posts %s as %s, keyed by the environment's context", async (state, expected) => {
    h.fake.expect({
      method: "POST",
      path: builds,
      requestHeaders: { "x-atlassian-token": "no-check" },
      body: {
        key: "zakenak/plan: dev",
        name: "zakenak/plan: dev",
        state: expected,
        description: "2 changes",
        url: "https://zakenak.example/plans/1",
      },
      status: 204,
    });
    await h.host.setStatus(repo, headSha, {
      context: "zakenak/plan: dev",
      state,
      description: "2 changes",
      targetUrl: "https://zakenak.example/plans/1",
    });
  });

  it("links to the commit when there is no URL or it is too long, and keeps fields within their limits", async () => {
    const commitPage = `${h.fake.url}${repoPath.replace("/rest/api/latest", "")}/commits/${headSha}`;
    h.fake.expect({ method: "POST", path: builds, body: { url: commitPage }, status: 204, times: 2 });
    await h.host.setStatus(repo, headSha, {
      context: "zakenak/apply: dev",
      state: "success",
      description: "ok",
    });
    const context = `zakenak/plan: ${"e".repeat(300)}`;
    await h.host.setStatus(repo, headSha, {
      context,
      state: "success",
      description: "d".repeat(400),
      targetUrl: `https://zakenak.example/${"u".repeat(500)}`,
    });
    const long = JSON.parse(h.fake.requests.at(-1)?.body ?? "{}") as Record<string, string>;
    expect(long.key).toMatch(/^[0-9a-f]{40}$/);
    expect(long.name?.length).toBe(255);
    expect(long.description?.length).toBe(255);
  });
});

describe("Bitbucket Server host: permissions", () => {
  const search = (permission: string, users: ReturnType<typeof bbsUser>[]) => ({
    method: "GET",
    path: `${api}/users`,
    query: {
      filter: "dana",
      "permission.1": permission,
      "permission.1.projectKey": "PLAT",
      "permission.1.repositorySlug": "deployments",
    },
    json: page(users),
  });

  it("is admin with REPO_ADMIN (which project and global admins have too)", async () => {
    h.fake.expect(search("REPO_ADMIN", [bbsUser("dana")]));
    expect(await h.host.getPermission(repo, "dana")).toBe("admin");
  });

  it("is write with REPO_WRITE, matching the exact user name only", async () => {
    h.fake.expect(search("REPO_ADMIN", [bbsUser("danae")]), search("REPO_WRITE", [bbsUser("Dana")]));
    expect(await h.host.getPermission(repo, "dana")).toBe("write");
  });

  it("is read with REPO_READ, and none without any", async () => {
    h.fake.expect(search("REPO_ADMIN", []), search("REPO_WRITE", []), search("REPO_READ", [bbsUser("dana")]));
    expect(await h.host.getPermission(repo, "dana")).toBe("read");
    h.fake.expect(search("REPO_ADMIN", []), search("REPO_WRITE", []), search("REPO_READ", []));
    expect(await h.host.getPermission(repo, "dana")).toBe("none");
  });

  it("fails without retry when the token may not search users, and never shows the token", async () => {
    h.fake.expect({
      method: "GET",
      path: `${api}/users`,
      status: 401,
      json: { errors: [{ message: `Authentication failed for Bearer ${token}` }] },
    });
    const error = await rejection(h.host.getPermission(repo, "dana"));
    expect(error).toMatchObject({ code: "unauthorized", retryable: false });
    expect(error.message).not.toContain(token);
  });

  it("retries a 5xx and a 429", async () => {
    h.fake.expect({ method: "GET", path: `${api}/users`, status: 503, raw: "down" });
    expect(await rejection(h.host.getPermission(repo, "dana"))).toMatchObject({
      code: "host-unavailable",
      retryable: true,
    });
    h.fake.expect({
      method: "GET",
      path: `${api}/users`,
      status: 429,
      json: { errors: [{ message: "slow down" }] },
    });
    expect((await rejection(h.host.getPermission(repo, "dana"))).retryable).toBe(true);
  });
});
