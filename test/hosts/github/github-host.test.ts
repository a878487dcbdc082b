import { describe, expect, it } from "vitest";
import { createGitHubHost } from "../../../src/hosts/github/github-host.js";
import {
  baseSha,
  gitRef,
  headSha,
  issueComment,
  mainTip,
  mergeSha,
  notFound,
  pullRequest,
  user,
} from "./github-fixtures.js";
import { bot, gitHubOctokit, marker, repo, repoPath, token, useGitHubHarness } from "./github-harness.js";

const h = useGitHubHarness();

describe("GitHub host: pull requests", () => {
  it("reads a pull request with the base branch's tip now", async () => {
    h.fake.expect(
      { method: "GET", path: `${repoPath}/pulls/7`, json: pullRequest(h.fake.url) },
      { method: "GET", path: `${repoPath}/git/ref/heads%2Fmain`, json: gitRef(h.fake.url, "main", mainTip) },
    );
    expect(await h.host.getPullRequest(repo, 7)).toEqual({
      number: 7,
      headSha,
      headBranch: "bump-app",
      baseBranch: "main",
      baseSha: mainTip,
      state: "open",
      fromFork: false,
    });
    expect(h.fake.requests[0]?.headers.authorization).toBe(`token ${token}`);
  });

  it("tells a pull request from a fork, also once the fork is deleted", async () => {
    const tip = {
      method: "GET",
      path: `${repoPath}/git/ref/heads%2Fmain`,
      json: gitRef(h.fake.url, "main", mainTip),
    };
    h.fake.expect(
      {
        method: "GET",
        path: `${repoPath}/pulls/10`,
        json: pullRequest(h.fake.url, { number: 10, headOwner: "mallory" }),
      },
      tip,
      {
        method: "GET",
        path: `${repoPath}/pulls/11`,
        json: pullRequest(h.fake.url, { number: 11, headOwner: null }),
      },
      tip,
    );
    expect(await h.host.getPullRequest(repo, 10)).toMatchObject({ number: 10, fromFork: true });
    expect(await h.host.getPullRequest(repo, 11)).toMatchObject({ number: 11, fromFork: true });
  });

  it("reports merged and closed pull requests, falling back to base.sha when the branch is gone", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${repoPath}/pulls/8`,
        json: pullRequest(h.fake.url, { number: 8, state: "closed", mergedAt: "2026-01-27T10:00:00Z" }),
      },
      {
        method: "GET",
        path: `${repoPath}/git/ref/heads%2Fmain`,
        status: 404,
        json: notFound("git/refs#get-a-reference"),
      },
      {
        method: "GET",
        path: `${repoPath}/pulls/9`,
        json: pullRequest(h.fake.url, { number: 9, state: "closed" }),
      },
      { method: "GET", path: `${repoPath}/git/ref/heads%2Fmain`, json: gitRef(h.fake.url, "main", mainTip) },
    );
    expect(await h.host.getPullRequest(repo, 8)).toMatchObject({ state: "merged", baseSha });
    expect(await h.host.getPullRequest(repo, 9)).toMatchObject({ state: "closed", baseSha: mainTip });
  });

  it("finds the pull request a merge commit came from", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${repoPath}/commits/${mergeSha}/pulls`,
        query: { per_page: "100" },
        json: [
          pullRequest(h.fake.url, { number: 3 }),
          pullRequest(h.fake.url, { number: 4, state: "closed", mergedAt: "2026-01-27T10:00:00Z" }),
        ],
      },
      {
        method: "GET",
        path: `${repoPath}/commits/${headSha}/pulls`,
        json: [pullRequest(h.fake.url, { number: 5 })].map((pr) => ({ ...pr, merge_commit_sha: null })),
      },
    );
    // Both list mergeSha, but an open PR's merge_commit_sha is only GitHub's test merge: the merged one wins.
    expect(await h.host.pullRequestForCommit(repo, mergeSha)).toBe(4);
    expect(await h.host.pullRequestForCommit(repo, headSha)).toBeUndefined();
  });
});

describe("GitHub host: comments", () => {
  it("edits the bot's marked comment found on page 2, in place", async () => {
    const page2 = `${h.fake.url}/repositories/1296269/issues/7/comments?per_page=100&page=2`;
    h.fake.expect(
      {
        method: "GET",
        path: `${repoPath}/issues/7/comments`,
        query: { per_page: "100" },
        headers: { link: `<${page2}>; rel="next", <${page2}>; rel="last"` },
        json: [
          issueComment(h.fake.url, 1, "LGTM", "octocat"),
          // Someone quoting the marker is not the bot's comment.
          issueComment(h.fake.url, 2, `quoted ${marker}`, "octocat"),
        ],
      },
      {
        method: "GET",
        path: "/repositories/1296269/issues/7/comments",
        query: { page: "2", per_page: "100" },
        json: [issueComment(h.fake.url, 3, `${marker}\nold plan`, bot)],
      },
      {
        method: "PATCH",
        path: `${repoPath}/issues/comments/3`,
        body: { body: `${marker}\nnew plan` },
        json: issueComment(h.fake.url, 3, `${marker}\nnew plan`, bot),
      },
    );
    expect(await h.host.upsertComment(repo, 7, marker, `${marker}\nnew plan`)).toEqual({
      id: "3",
      created: false,
    });
  });

  it("creates the comment when none is marked, and leaves an identical one untouched", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${repoPath}/issues/7/comments`,
        json: [issueComment(h.fake.url, 1, "hello", "octocat")],
      },
      {
        method: "POST",
        path: `${repoPath}/issues/7/comments`,
        body: { body: `${marker}\nplan` },
        status: 201,
        json: issueComment(h.fake.url, 11, `${marker}\nplan`, bot),
      },
      {
        method: "GET",
        path: `${repoPath}/issues/7/comments`,
        json: [issueComment(h.fake.url, 11, `${marker}\nplan`, bot)],
      },
    );
    expect(await h.host.upsertComment(repo, 7, marker, `${marker}\nplan`)).toEqual({
      id: "11",
      created: true,
    });
    expect(await h.host.upsertComment(repo, 7, marker, `${marker}\nplan`)).toEqual({
      id: "11",
      created: false,
    });
  });

  it("never sends more than 65,536 characters in one comment", async () => {
    h.fake.expect(
      { method: "GET", path: `${repoPath}/issues/7/comments`, json: [] },
      {
        method: "POST",
        path: `${repoPath}/issues/7/comments`,
        status: 201,
        json: issueComment(h.fake.url, 12, "x", bot),
      },
      {
        method: "POST",
        path: `${repoPath}/issues/7/comments`,
        status: 201,
        json: issueComment(h.fake.url, 13, "x", bot),
        times: 2,
      },
    );
    await h.host.upsertComment(repo, 7, marker, `${marker}\n${"x".repeat(70_000)}`);
    const sent = JSON.parse(h.fake.requests.at(-1)?.body ?? "{}").body as string;
    expect(sent.length).toBeLessThanOrEqual(65_536);
    expect(sent.startsWith(marker)).toBe(true);
    await h.host.createComment(repo, 7, "y".repeat(100_000));
    const parts = h.fake.requests.slice(-2).map((r) => (JSON.parse(r.body) as { body: string }).body);
    expect(parts.map((p) => p.length)).toEqual([65_536, 100_000 - 65_536]);
  });

  it("asks GET /user for the bot's login when none was given", async () => {
    const patHost = createGitHubHost({
      octokit: gitHubOctokit(h.fake.url),
    });
    h.fake.expect({ method: "GET", path: "/user", json: user("zakenak-bot") });
    expect(await patHost.botUser()).toBe("zakenak-bot");
    expect(await patHost.botUser()).toBe("zakenak-bot");
  });
});
