import { describe, expect, it } from "vitest";
import { rejection } from "../shared/rejection.js";
import {
  annotatedTag,
  baseSha,
  comparison,
  gitRef,
  headSha,
  mainTip,
  notFound,
  tagRef,
} from "./github-fixtures.js";
import { repo, repoPath, useGitHubHarness } from "./github-harness.js";

const h = useGitHubHarness();
const tagSha = "940bd336248efae0f9ee5bc7b2d5c985887b16ac";
const outerTagSha = "5b4d124ec29c81900f0c34a89c7de23405dbd791";

describe("GitHub host: refSha", () => {
  it("reads where a branch points now, by its exact name", async () => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/git/ref/heads%2Frelease%2F1.x`,
      json: gitRef(h.fake.url, "release/1.x", mainTip),
    });
    expect(await h.host.refSha(repo, "refs/heads/release/1.x")).toBe(mainTip);
  });

  it("gives a lightweight tag's commit as it is", async () => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/git/ref/tags%2Fv1.0.0`,
      json: tagRef(h.fake.url, "v1.0.0", { type: "commit", sha: headSha }),
    });
    expect(await h.host.refSha(repo, "refs/tags/v1.0.0")).toBe(headSha);
  });

  it("peels an annotated tag, and a tag of a tag, to the commit", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${repoPath}/git/ref/tags%2Fv2`,
        json: tagRef(h.fake.url, "v2", { type: "tag", sha: outerTagSha }),
      },
      {
        method: "GET",
        path: `${repoPath}/git/tags/${outerTagSha}`,
        json: annotatedTag(h.fake.url, "v2", outerTagSha, { type: "tag", sha: tagSha }),
      },
      {
        method: "GET",
        path: `${repoPath}/git/tags/${tagSha}`,
        json: annotatedTag(h.fake.url, "v2-inner", tagSha, { type: "commit", sha: headSha }),
      },
    );
    expect(await h.host.refSha(repo, "refs/tags/v2")).toBe(headSha);
  });

  it("answers undefined for a ref that does not exist", async () => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/git/ref/tags%2Fgone`,
      status: 404,
      json: notFound("git/refs#get-a-reference"),
    });
    expect(await h.host.refSha(repo, "refs/tags/gone")).toBeUndefined();
  });

  it("refuses a short name or a ref outside branches and tags without asking GitHub", async () => {
    expect(await rejection(h.host.refSha(repo, "main"))).toMatchObject({ code: "invalid" });
    expect(await rejection(h.host.refSha(repo, "refs/pull/7/head"))).toMatchObject({ code: "invalid" });
  });

  it("fails a tag that points at a tree", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${repoPath}/git/ref/tags%2Ftree`,
        json: tagRef(h.fake.url, "tree", { type: "tag", sha: tagSha }),
      },
      {
        method: "GET",
        path: `${repoPath}/git/tags/${tagSha}`,
        json: annotatedTag(h.fake.url, "tree", tagSha, { type: "tree", sha: baseSha }),
      },
    );
    expect(await rejection(h.host.refSha(repo, "refs/tags/tree"))).toMatchObject({ code: "invalid" });
  });
});

describe("GitHub host: isAncestor", () => {
  it.each([
    ["ahead", true],
    ["identical", true],
    ["behind", false],
    ["diverged", false],
  ])("compares ancestor...descendant: status %s means %s", async (status, expected) => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/compare/${baseSha}...${headSha}`,
      query: { per_page: "1" },
      json: comparison(h.fake.url, status, status === "ahead" ? 2 : 0, status === "behind" ? 1 : 0),
    });
    expect(await h.host.isAncestor(repo, baseSha, headSha)).toBe(expected);
  });

  it("takes the same commit as its own ancestor without asking", async () => {
    expect(await h.host.isAncestor(repo, headSha, headSha.toUpperCase())).toBe(true);
  });

  it("answers false for unrelated histories, and fails for an unknown commit", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${repoPath}/compare/${baseSha}...${headSha}`,
        status: 404,
        json: {
          ...notFound("commits/commits#compare-two-commits"),
          message: `No common ancestor between ${baseSha} and ${headSha}.`,
        },
      },
      {
        method: "GET",
        path: `${repoPath}/compare/${mainTip}...${headSha}`,
        status: 404,
        json: notFound("commits/commits#compare-two-commits"),
      },
    );
    expect(await h.host.isAncestor(repo, baseSha, headSha)).toBe(false);
    expect(await rejection(h.host.isAncestor(repo, mainTip, headSha))).toMatchObject({
      code: "not-found",
      retryable: false,
    });
  });
});
