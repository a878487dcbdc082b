import { describe, expect, it } from "vitest";
import { createGitHubHost } from "../../../src/hosts/github/github-host.js";
import { rejection } from "../shared/rejection.js";
import { notFound, owner, repoName } from "./github-fixtures.js";
import { bot, gitHubOctokit, repo, repoPath, token, useGitHubHarness } from "./github-harness.js";

const h = useGitHubHarness();

describe("GitHub host: errors", () => {
  it("makes a 502 a retryable error naming host, call and repository", async () => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/pulls/7`,
      status: 502,
      json: { message: "Server Error" },
    });
    const error = await rejection(h.host.getPullRequest(repo, 7));
    expect(error).toMatchObject({ code: "host-unavailable", retryable: true });
    expect(error.message).toContain(`GitHub getPullRequest on ${owner}/${repoName}`);
  });

  it("makes a 404 a final not-found error", async () => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/pulls/404`,
      status: 404,
      json: notFound("pulls/pulls#get-a-pull-request"),
    });
    expect(await rejection(h.host.getPullRequest(repo, 404))).toMatchObject({
      code: "not-found",
      retryable: false,
    });
  });

  it("makes a rate-limited 403 retryable and a plain 403 final", async () => {
    h.fake.expect(
      {
        method: "POST",
        path: `${repoPath}/issues/7/comments`,
        status: 403,
        headers: { "x-ratelimit-remaining": "0" },
        json: { message: "API rate limit exceeded" },
      },
      {
        method: "POST",
        path: `${repoPath}/issues/7/comments`,
        status: 403,
        json: { message: "Resource not accessible by integration" },
      },
    );
    expect(await rejection(h.host.createComment(repo, 7, "hi"))).toMatchObject({ retryable: true });
    expect(await rejection(h.host.createComment(repo, 7, "hi"))).toMatchObject({
      code: "forbidden",
      retryable: false,
    });
  });

  it("keeps the token out of the message even when the host echoes it", async () => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/pulls/7`,
      status: 401,
      json: { message: `Bad credentials for token ${token}` },
    });
    const error = await rejection(h.host.getPullRequest(repo, 7));
    expect(error).toMatchObject({ code: "unauthorized", retryable: false });
    expect(error.message).not.toContain(token);
    expect(JSON.stringify(error)).not.toContain(token);
  });

  it("makes an unreachable host retryable", async () => {
    const down = createGitHubHost({
      octokit: gitHubOctokit("http://127.0.0.1:1"),
      botLogin: bot,
    });
    expect(await rejection(down.getPullRequest(repo, 7))).toMatchObject({
      code: "host-unavailable",
      retryable: true,
    });
  });
});
