import { describe, expect, it } from "vitest";
import { rejection } from "../shared/rejection.js";
import { branch, headSha, mainTip, mergeBase, mergeBaseCommit, tag } from "./gitlab-fixtures.js";
import { byId, byPath, encoded, numbered, useGitLabHarness } from "./gitlab-harness.js";

const h = useGitLabHarness();
const tagObject = "940bd336248efae0f9ee5bc7b2d5c985887b16ac";

describe("GitLab host: refSha", () => {
  it("reads a branch's tip, its name escaped whole", async () => {
    h.fake.expect({
      method: "GET",
      path: `${numbered}/repository/branches/release%2F1.x`,
      json: branch("release/1.x", mainTip),
    });
    expect(await h.host.refSha(byId, "refs/heads/release/1.x")).toBe(mainTip);
  });

  it("gives the commit of an annotated tag, not the tag object", async () => {
    h.fake.expect(
      { method: "GET", path: `${encoded}/repository/tags/v1.0.0`, json: tag("v1.0.0", tagObject, headSha) },
      { method: "GET", path: `${encoded}/repository/tags/light`, json: tag("light", mainTip, mainTip) },
    );
    expect(await h.host.refSha(byPath, "refs/tags/v1.0.0")).toBe(headSha);
    expect(await h.host.refSha(byPath, "refs/tags/light")).toBe(mainTip);
  });

  it("answers undefined for a missing branch or tag", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${numbered}/repository/branches/gone`,
        status: 404,
        json: { message: "404 Branch Not Found" },
      },
      {
        method: "GET",
        path: `${numbered}/repository/tags/gone`,
        status: 404,
        json: { message: "404 Tag Not Found" },
      },
    );
    expect(await h.host.refSha(byId, "refs/heads/gone")).toBeUndefined();
    expect(await h.host.refSha(byId, "refs/tags/gone")).toBeUndefined();
  });

  it("refuses a short ref name without asking GitLab", async () => {
    expect(await rejection(h.host.refSha(byId, "heads/main"))).toMatchObject({ code: "invalid" });
  });
});

describe("GitLab host: isAncestor", () => {
  const mergeBasePath = `${numbered}/repository/merge_base`;

  it("is an ancestor exactly when it is the merge base of both", async () => {
    h.fake.expect(
      { method: "GET", path: mergeBasePath, json: mergeBaseCommit(mergeBase) },
      { method: "GET", path: mergeBasePath, json: mergeBaseCommit(mergeBase) },
    );
    expect(await h.host.isAncestor(byId, mergeBase, headSha)).toBe(true);
    expect(h.fake.requests.at(-1)?.url).toBe(
      `${mergeBasePath}?refs%5B%5D=${mergeBase}&refs%5B%5D=${headSha}`,
    );
    // The other way round: headSha is ahead of the merge base, so not an ancestor of it.
    expect(await h.host.isAncestor(byId, headSha, mergeBase)).toBe(false);
  });

  it("takes the same commit as its own ancestor without asking", async () => {
    expect(await h.host.isAncestor(byId, headSha, headSha)).toBe(true);
  });

  it("answers false for unrelated histories, and fails for an unknown commit", async () => {
    h.fake.expect(
      { method: "GET", path: mergeBasePath, status: 404, json: { message: "404 Merge Base Not Found" } },
      {
        method: "GET",
        path: mergeBasePath,
        status: 400,
        json: { message: `Could not find ref: ${mainTip}` },
      },
    );
    expect(await h.host.isAncestor(byId, mainTip, headSha)).toBe(false);
    // GitLab says 400 for an unknown commit; it is reported as not-found, like the other hosts do.
    expect(await rejection(h.host.isAncestor(byId, mainTip, headSha))).toMatchObject({
      code: "not-found",
      retryable: false,
    });
  });

  it("fails when the project itself is not found", async () => {
    h.fake.expect({
      method: "GET",
      path: mergeBasePath,
      status: 404,
      json: { message: "404 Project Not Found" },
    });
    expect(await rejection(h.host.isAncestor(byId, mainTip, headSha))).toMatchObject({ code: "not-found" });
  });
});
