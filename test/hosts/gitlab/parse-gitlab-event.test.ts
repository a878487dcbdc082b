import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseGitlabEvent } from "../../../src/hosts/gitlab/parse-gitlab-event.js";
import type { Payload } from "../../server/github-examples.js";

function fixture(name: string): Payload {
  return JSON.parse(readFileSync(new URL(`../../fixtures/gitlab/${name}.json`, import.meta.url), "utf8"));
}

const repo = { host: "gitlab", fullName: "acme/platform/deployments", id: "42", defaultBranch: "main" };
const HEAD = "3f1c0e7d2b9a4c58e6f0a1b2c3d4e5f60718293a";
const pr = {
  repo,
  number: 12,
  headSha: HEAD,
  headBranch: "scale-web",
  baseBranch: "develop",
  sender: "dana",
};

describe("parseGitlabEvent (documented GitLab payload shapes)", () => {
  it("maps a branch push, keeping the project id for the API", () => {
    expect(parseGitlabEvent("Push Hook", fixture("push"))).toEqual({
      type: "push",
      repo,
      ref: "refs/heads/develop",
      refType: "branch",
      refName: "develop",
      after: HEAD,
      deleted: false,
      pusher: "dana",
    });
  });

  it("maps a tag push and ignores deleted refs", () => {
    expect(parseGitlabEvent("Tag Push Hook", fixture("tag-push"))).toMatchObject({
      type: "push",
      refType: "tag",
      refName: "v1.4.0",
      after: "c0ffee15c0ffee15c0ffee15c0ffee15c0ffee15",
    });
    expect(parseGitlabEvent("Tag Push Hook", fixture("tag-delete"))).toEqual({
      ignored: "push deletes tag v1.4.0",
    });
    expect(parseGitlabEvent("Push Hook", fixture("push-delete-branch"))).toEqual({
      ignored: "push deletes branch feature/old",
    });
  });

  it("maps merge request open and reopen to pr-opened with the iid, not the id", () => {
    expect(parseGitlabEvent("Merge Request Hook", fixture("merge-request-open"))).toEqual({
      type: "pr-opened",
      ...pr,
    });
    expect(parseGitlabEvent("Merge Request Hook", fixture("merge-request-reopen"))).toEqual({
      type: "pr-opened",
      ...pr,
    });
  });

  it("maps an update with oldrev to pr-updated and ignores one without", () => {
    expect(parseGitlabEvent("Merge Request Hook", fixture("merge-request-update"))).toEqual({
      type: "pr-updated",
      ...pr,
    });
    expect(parseGitlabEvent("Merge Request Hook", fixture("merge-request-update-labels"))).toEqual({
      ignored: "merge request update without new commits",
    });
  });

  it("maps close and merge to pr-closed", () => {
    expect(parseGitlabEvent("Merge Request Hook", fixture("merge-request-close"))).toEqual({
      type: "pr-closed",
      merged: false,
      ...pr,
    });
    expect(parseGitlabEvent("Merge Request Hook", fixture("merge-request-merge"))).toEqual({
      type: "pr-closed",
      merged: true,
      ...pr,
    });
  });

  it("maps a note on a merge request to a comment", () => {
    expect(parseGitlabEvent("Note Hook", fixture("note-merge-request"))).toEqual({
      type: "comment",
      repo,
      number: 12,
      commentId: "55123",
      body: "/plan dev",
      author: "dana",
      authorIsBot: false,
    });
  });

  it("marks project access token bot users as bots", () => {
    const payload = fixture("note-merge-request");
    payload.user.username = "project_42_bot_3c0ffee5";
    expect(parseGitlabEvent("Note Hook", payload)).toMatchObject({ authorIsBot: true });
  });

  it("ignores notes on issues and edited notes", () => {
    expect(parseGitlabEvent("Note Hook", fixture("note-issue"))).toEqual({
      ignored: "note on Issue, not on a merge request",
    });
    const edited = fixture("note-merge-request");
    edited.object_attributes.action = "update";
    expect(parseGitlabEvent("Note Hook", edited)).toEqual({ ignored: 'note action "update"' });
  });

  it("ignores other events and rejects payloads without the documented fields", () => {
    expect(parseGitlabEvent("Pipeline Hook", {})).toEqual({
      ignored: 'event "Pipeline Hook" is not used by the bot',
    });
    const payload = fixture("merge-request-open");
    delete payload.object_attributes.iid;
    expect(() => parseGitlabEvent("Merge Request Hook", payload)).toThrow(
      /bad Merge Request Hook payload: object_attributes\.iid: /,
    );
  });
});
