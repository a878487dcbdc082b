import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseGiteaEvent } from "../../../src/hosts/gitea/parse-gitea-event.js";
import type { Payload } from "../../server/github-examples.js";

// Payloads and headers captured from a real Gitea server (see test/fixtures/gitea/).
function fixture(name: string): { payload: Payload; eventType: string } {
  const dir = new URL("../../fixtures/gitea/", import.meta.url);
  const payload = JSON.parse(readFileSync(new URL(`${name}.json`, dir), "utf8"));
  const { headers } = JSON.parse(readFileSync(new URL(`${name}.headers.json`, dir), "utf8"));
  return { payload, eventType: headers["x-gitea-event-type"] };
}

const repo = { host: "gitea", fullName: "zakenak-admin/deployments", defaultBranch: "main" };
const HEAD = "29cd888d6a1fba114c436e458a445155eba11a86";

describe("parseGiteaEvent (captured Gitea payloads)", () => {
  it("maps a branch push", () => {
    const { payload, eventType } = fixture("push");
    expect(parseGiteaEvent(eventType, payload)).toEqual({
      type: "push",
      repo,
      ref: "refs/heads/feature",
      refType: "branch",
      refName: "feature",
      after: HEAD,
      deleted: false,
      pusher: "zakenak-admin",
    });
  });

  it("maps the push a merge makes to the base branch", () => {
    const { payload, eventType } = fixture("push-merge");
    expect(parseGiteaEvent(eventType, payload)).toMatchObject({
      type: "push",
      refName: "main",
      after: "49083b996958d6b3a1af1fb0dc576c9a155c98b1",
    });
  });

  it("maps pull_request opened, synchronized and closed", () => {
    const opened = fixture("pull-request-opened");
    const pr = {
      repo,
      number: 1,
      headSha: HEAD,
      headBranch: "feature",
      baseBranch: "main",
      sender: "zakenak-admin",
    };
    expect(parseGiteaEvent(opened.eventType, opened.payload)).toEqual({ type: "pr-opened", ...pr });
    // Gitea spells it "synchronized" and sends it as X-Gitea-Event-Type pull_request_sync.
    opened.payload.action = "synchronized";
    expect(parseGiteaEvent("pull_request_sync", opened.payload)).toEqual({ type: "pr-updated", ...pr });
    const merged = fixture("pull-request-merged");
    expect(parseGiteaEvent(merged.eventType, merged.payload)).toEqual({
      type: "pr-closed",
      merged: true,
      ...pr,
    });
    merged.payload.pull_request.merged = false;
    expect(parseGiteaEvent(merged.eventType, merged.payload)).toMatchObject({
      type: "pr-closed",
      merged: false,
    });
  });

  it("maps a pull request conversation comment (X-Gitea-Event-Type pull_request_comment)", () => {
    const { payload, eventType } = fixture("issue-comment-pull-request");
    expect(eventType).toBe("pull_request_comment");
    expect(parseGiteaEvent(eventType, payload)).toEqual({
      type: "comment",
      repo,
      number: 1,
      commentId: "2",
      body: "/zakenak plan",
      author: "reviewer",
      authorIsBot: false,
    });
  });

  it("ignores issue comments, edited comments, deleted refs and other events", () => {
    const { payload } = fixture("issue-comment-pull-request");
    expect(parseGiteaEvent("issue_comment", { ...payload, is_pull: false })).toEqual({
      ignored: "comment on an issue, not a pull request",
    });
    expect(parseGiteaEvent("pull_request_comment", { ...payload, action: "edited" })).toEqual({
      ignored: 'comment action "edited"',
    });
    const push = fixture("push").payload;
    push.after = "0000000000000000000000000000000000000000";
    expect(parseGiteaEvent("push", push)).toEqual({ ignored: "push deletes branch feature" });
    expect(parseGiteaEvent("create", {})).toEqual({ ignored: 'event "create" is not used by the bot' });
    const opened = fixture("pull-request-opened").payload;
    expect(parseGiteaEvent("pull_request", { ...opened, action: "edited" })).toEqual({
      ignored: 'pull_request action "edited"',
    });
  });

  it("rejects a payload without the documented fields", () => {
    const { payload } = fixture("push");
    delete payload.repository;
    expect(() => parseGiteaEvent("push", payload)).toThrow(/bad push payload: repository: /);
  });
});
