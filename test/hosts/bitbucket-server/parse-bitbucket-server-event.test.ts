import { describe, expect, it } from "vitest";
import { parseBitbucketServerEvent } from "../../../src/hosts/bitbucket-server/parse-bitbucket-server-event.js";
import { rejection } from "../shared/rejection.js";
import {
  bbsRepository,
  bbsUser,
  commentPayload,
  developTip,
  fullName,
  headSha,
  mergeSha,
  pullRequestPayload,
  refsChangedPayload,
} from "./bitbucket-server-fixtures.js";

const repo = { host: "bitbucket-server", fullName };
const pr = { repo, number: 12, headSha, headBranch: "feature-green", baseBranch: "develop", sender: "dana" };

describe("parseBitbucketServerEvent", () => {
  it.each([
    ["pr:opened", { type: "pr-opened" }],
    ["pr:from_ref_updated", { type: "pr-updated" }],
    ["pr:merged", { type: "pr-closed", merged: true }],
    ["pr:declined", { type: "pr-closed", merged: false }],
    ["pr:deleted", { type: "pr-closed", merged: false }],
  ])("turns %s into %o, the repository being the target's PROJECT/slug", (key, expected) => {
    expect(parseBitbucketServerEvent(key, pullRequestPayload(key))).toEqual([{ ...expected, ...pr }]);
  });

  it("addresses a pull request from a fork by its target repository", () => {
    const payload = pullRequestPayload("pr:opened", {
      fromRepository: bbsRepository({ key: "~DANA", repo: "deployments-fork", id: 77 }),
    });
    expect(parseBitbucketServerEvent("pr:opened", payload)).toEqual([{ type: "pr-opened", ...pr }]);
  });

  it("ignores title and description edits, reviewer events and unknown keys", () => {
    for (const key of ["pr:modified", "pr:reviewer:approved", "repo:modified", "pr:comment:edited"]) {
      expect(parseBitbucketServerEvent(key, {})).toEqual([
        { ignored: `event "${key}" is not used by the bot` },
      ]);
    }
  });

  it("reads a pull request comment: id, text, author name, a service user as a bot", () => {
    expect(parseBitbucketServerEvent("pr:comment:added", commentPayload({ text: "/rollback" }))).toEqual([
      {
        type: "comment",
        repo,
        number: 12,
        commentId: "2044",
        body: "/rollback",
        author: "dana",
        authorIsBot: false,
      },
    ]);
    const fromBot = commentPayload({ author: bbsUser("zakenak-bot", 900, "SERVICE") });
    expect(parseBitbucketServerEvent("pr:comment:added", fromBot)).toMatchObject([
      { author: "zakenak-bot", authorIsBot: true },
    ]);
  });

  it("gives one push per ref change, in order; deleted refs and other refs are ignored", () => {
    const payload = refsChangedPayload([
      { ref: "refs/heads/develop", from: developTip, to: mergeSha },
      { ref: "refs/tags/v1.2.0", to: headSha, type: "ADD" },
      { ref: "refs/heads/old", from: developTip, type: "DELETE" },
      { ref: "refs/notes/commits", to: headSha },
    ]);
    const push = { type: "push", repo, deleted: false, pusher: "dana" };
    expect(parseBitbucketServerEvent("repo:refs_changed", payload)).toEqual([
      { ...push, ref: "refs/heads/develop", refType: "branch", refName: "develop", after: mergeSha },
      { ...push, ref: "refs/tags/v1.2.0", refType: "tag", refName: "v1.2.0", after: headSha },
      { ignored: "push deletes branch old" },
      { ignored: "push to refs/notes/commits, neither a branch nor a tag" },
    ]);
  });

  it("ignores a push without changes", () => {
    expect(parseBitbucketServerEvent("repo:refs_changed", refsChangedPayload([]))).toEqual([
      { ignored: "push without ref changes" },
    ]);
  });

  it("refuses payloads without the documented fields, naming the first bad one", async () => {
    const payload = pullRequestPayload("pr:opened");
    const noTarget = { ...payload, pullRequest: { ...payload.pullRequest, toRef: undefined } };
    const error = await rejection(
      Promise.resolve().then(() => parseBitbucketServerEvent("pr:opened", noTarget)),
    );
    expect(error.code).toBe("invalid");
    expect(error.message).toBe(
      "bad pr:opened payload: pullRequest.toRef: Invalid input: expected object, received undefined",
    );
    const noChanges = { ...refsChangedPayload([]), changes: undefined };
    expect(() => parseBitbucketServerEvent("repo:refs_changed", noChanges)).toThrow(/changes/);
  });
});
