import { describe, expect, it } from "vitest";
import { parseGithubEvent } from "../../../src/hosts/github/parse-github-event.js";
import { githubExample, githubPullRequestComment } from "../../server/github-examples.js";

const repo = {
  host: "github",
  fullName: "Codertocat/Hello-World",
  installationId: 1,
  defaultBranch: "master",
};

describe("parseGithubEvent (published GitHub examples)", () => {
  it("maps pull_request synchronize to pr-updated with the head and the installation", () => {
    const payload = githubExample("pull_request", (p) => p.action === "synchronize");
    expect(parseGithubEvent("pull_request", payload)).toEqual({
      type: "pr-updated",
      repo,
      number: 2,
      headSha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
      headBranch: "changes",
      baseBranch: "master",
      sender: "Codertocat",
    });
  });

  it("maps opened and reopened to pr-opened", () => {
    for (const action of ["opened", "reopened"]) {
      const payload = githubExample("pull_request", (p) => p.action === action && p.installation);
      expect(parseGithubEvent("pull_request", payload)).toMatchObject({ type: "pr-opened", repo });
    }
  });

  it("maps closed to pr-closed, merged or not", () => {
    const payload = githubExample("pull_request", (p) => p.action === "closed");
    expect(parseGithubEvent("pull_request", payload)).toMatchObject({ type: "pr-closed", merged: false });
    payload.pull_request.merged = true;
    expect(parseGithubEvent("pull_request", payload)).toMatchObject({ type: "pr-closed", merged: true });
  });

  it("ignores pull_request actions that change no code", () => {
    const payload = githubExample("pull_request", (p) => p.action === "labeled");
    expect(parseGithubEvent("pull_request", payload)).toEqual({ ignored: 'pull_request action "labeled"' });
  });

  it("maps a branch push", () => {
    const payload = githubExample("push", (p) => p.ref === "refs/heads/master");
    expect(parseGithubEvent("push", payload)).toEqual({
      type: "push",
      repo,
      ref: "refs/heads/master",
      refType: "branch",
      refName: "master",
      after: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
      deleted: false,
      pusher: "Codertocat",
    });
  });

  it("maps a tag push and ignores a deleted tag", () => {
    const created = githubExample("push", (p) => p.ref.startsWith("refs/tags/") && !p.deleted);
    expect(parseGithubEvent("push", created)).toMatchObject({
      type: "push",
      refType: "tag",
      refName: "simple-tag",
      after: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
    });
    const deleted = githubExample("push", (p) => p.deleted && p.installation);
    expect(parseGithubEvent("push", deleted)).toEqual({ ignored: "push deletes tag simple-tag" });
  });

  it("maps a comment on a pull request, and marks Bot authors", () => {
    const payload = githubPullRequestComment("/plan dev");
    expect(parseGithubEvent("issue_comment", payload)).toEqual({
      type: "comment",
      repo,
      number: 1,
      commentId: "492700400",
      body: "/plan dev",
      author: "Codertocat",
      authorIsBot: false,
    });
    payload.comment.user.type = "Bot";
    expect(parseGithubEvent("issue_comment", payload)).toMatchObject({ authorIsBot: true });
  });

  it("ignores comments on issues and edited comments", () => {
    const onIssue = githubExample("issue_comment", (p) => p.action === "created");
    expect(parseGithubEvent("issue_comment", onIssue)).toEqual({
      ignored: "comment on an issue, not a pull request",
    });
    const edited = githubPullRequestComment();
    edited.action = "edited";
    expect(parseGithubEvent("issue_comment", edited)).toEqual({ ignored: 'issue_comment action "edited"' });
  });

  it("ignores ping and events the bot does not use", () => {
    expect(parseGithubEvent("ping", githubExample("ping"))).toEqual({ ignored: "ping" });
    expect(parseGithubEvent("create", githubExample("create"))).toEqual({
      ignored: 'event "create" is not used by the bot',
    });
  });

  it("rejects a payload without the documented fields, naming the first one", () => {
    const payload = githubExample("pull_request", (p) => p.action === "synchronize");
    delete payload.pull_request.head.sha;
    expect(() => parseGithubEvent("pull_request", payload)).toThrow(
      /bad pull_request payload: pull_request\.head\.sha: /,
    );
  });
});
