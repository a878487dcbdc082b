import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ARCHIVE_LIMITS } from "../../../src/hosts/shared/archive-limits.js";
import { rejection } from "../shared/rejection.js";
import { craftTarball, makeTarball } from "../shared/tarball-fixtures.js";
import { bbsBranch, developTip, headSha, mergeSha, page } from "./bitbucket-server-fixtures.js";
import { repo, repoPath, token, useBitbucketServerHarness } from "./bitbucket-server-harness.js";

const h = useBitbucketServerHarness();
const archive = (raw: Buffer, sha = headSha) => ({
  method: "GET",
  path: `${repoPath}/archive`,
  query: { at: sha, format: "tgz", prefix: `deployments-${sha.slice(0, 12)}` },
  requestHeaders: { authorization: `Bearer ${token}` },
  raw,
  headers: {
    "content-type": "application/octet-stream",
    "content-disposition": `attachment; filename="deployments-${sha}.tar.gz"`,
  },
});

describe("Bitbucket Server host: contents", () => {
  it("downloads a tgz at the sha under a prefix, and drops that top directory", async () => {
    const tarball = await makeTarball(`deployments-${headSha.slice(0, 12)}`, {
      ".zakenak.yaml": "environments: []\n",
      "manifests/cm.yaml": "kind: ConfigMap\n",
    });
    h.fake.expect(archive(tarball));
    await h.host.downloadArchive(repo, headSha, h.dest);
    expect((await readdir(h.dest)).sort()).toEqual([".zakenak.yaml", "manifests"]);
    expect(await readFile(join(h.dest, "manifests/cm.yaml"), "utf8")).toBe("kind: ConfigMap\n");
  });

  it("refuses an archive with an absolute path", async () => {
    h.fake.expect(archive(craftTarball([{ name: "/etc/cron.d/evil", content: "x" }])));
    expect(await rejection(h.host.downloadArchive(repo, headSha, h.dest))).toMatchObject({ code: "invalid" });
    expect(await readdir(h.dest)).toEqual([]);
  });

  it("holds the archive to the limits it is given", async () => {
    h.fake.expect(archive(await makeTarball("top", { "big.txt": "x".repeat(2048) })));
    const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxExtractedBytes: 2047 };
    const error = await rejection(h.host.downloadArchive(repo, headSha, h.dest, limits));
    expect(error).toMatchObject({ code: "archive-too-large", retryable: false });
    expect(await readdir(h.dest)).toEqual([]);
  });

  it("fails a missing commit's archive without retry", async () => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/archive`,
      status: 404,
      json: { errors: [{ message: `Commit '${headSha}' does not exist in repository 'deployments'.` }] },
    });
    const error = await rejection(h.host.downloadArchive(repo, headSha, h.dest));
    expect(error).toMatchObject({ code: "not-found", retryable: false });
    expect(error.message).toContain("does not exist");
  });

  it("reads a raw file at a ref by escaped path, undefined when missing", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${repoPath}/raw/.zakenak/policy%20file.yaml`,
        query: { at: "main" },
        raw: "plan: read\n",
        headers: { "content-type": "text/plain; charset=utf-8" },
      },
      {
        method: "GET",
        path: `${repoPath}/raw/missing.yaml`,
        status: 404,
        json: { errors: [{ message: 'The path "missing.yaml" does not exist at revision "main"' }] },
      },
    );
    expect(await h.host.readFile(repo, "main", ".zakenak/policy file.yaml")).toBe("plan: read\n");
    expect(await h.host.readFile(repo, "main", "missing.yaml")).toBeUndefined();
  });

  it("reports no commit as verified: the API says nothing about signatures", async () => {
    expect(await h.host.isCommitVerified(repo, headSha)).toBe(false);
  });
});

describe("Bitbucket Server host: refs", () => {
  it("reads the configured default branch once, falling back to the older resource on 404", async () => {
    const lookup = h.host as typeof h.host & { defaultBranch(r: typeof repo): Promise<string> };
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/default-branch`,
      json: { id: "refs/heads/main", displayId: "main", type: "BRANCH" },
    });
    expect(await lookup.defaultBranch(repo)).toBe("main");
    // Kept: no second request.
    expect(await lookup.defaultBranch(repo)).toBe("main");
    const other = { ...repo, fullName: "PLAT/legacy" };
    const legacy = repoPath.replace("/deployments", "/legacy");
    h.fake.expect(
      {
        method: "GET",
        path: `${legacy}/default-branch`,
        status: 404,
        json: { errors: [{ message: "nope" }] },
      },
      { method: "GET", path: `${legacy}/branches/default`, json: bbsBranch("master", developTip, true) },
    );
    expect(await lookup.defaultBranch(other)).toBe("master");
  });

  it("finds a branch's tip by its full ref among the matches, on a later page if need be", async () => {
    const path = `${repoPath}/branches`;
    h.fake.expect(
      {
        method: "GET",
        path,
        query: { filterText: "release/1.x", start: "0" },
        json: page([bbsBranch("release/1.x-hotfix", mergeSha)], { last: false }),
      },
      {
        method: "GET",
        path,
        query: { filterText: "release/1.x", start: "1" },
        json: page([bbsBranch("release/1.x", developTip)], { start: 1 }),
      },
      { method: "GET", path, query: { filterText: "gone" }, json: page([]) },
    );
    expect(await h.host.refSha(repo, "refs/heads/release/1.x")).toBe(developTip);
    expect(await h.host.refSha(repo, "refs/heads/gone")).toBeUndefined();
  });

  it("peels a tag to its commit, undefined when missing", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${repoPath}/tags/v1.2.0`,
        json: {
          id: "refs/tags/v1.2.0",
          displayId: "v1.2.0",
          type: "TAG",
          latestCommit: headSha,
          latestChangeset: headSha,
          hash: "ab".repeat(20),
        },
      },
      { method: "GET", path: `${repoPath}/tags/v9`, status: 404, json: { errors: [{ message: "no tag" }] } },
    );
    expect(await h.host.refSha(repo, "refs/tags/v1.2.0")).toBe(headSha);
    expect(await h.host.refSha(repo, "refs/tags/v9")).toBeUndefined();
  });

  it("refuses a short ref", async () => {
    expect(await rejection(h.host.refSha(repo, "main"))).toMatchObject({ code: "invalid" });
  });

  it("is an ancestor when nothing is reachable from it but not from the descendant", async () => {
    const commits = `${repoPath}/commits`;
    h.fake.expect(
      {
        method: "GET",
        path: commits,
        query: { since: mergeSha, until: developTip, limit: "1" },
        json: page([]),
      },
      {
        method: "GET",
        path: commits,
        query: { since: developTip, until: mergeSha, limit: "1" },
        json: page([{ id: mergeSha, displayId: mergeSha.slice(0, 11), message: "Merge", parents: [] }], {
          last: false,
        }),
      },
    );
    expect(await h.host.isAncestor(repo, developTip, mergeSha)).toBe(true);
    expect(await h.host.isAncestor(repo, mergeSha, developTip)).toBe(false);
    expect(await h.host.isAncestor(repo, headSha, headSha.toUpperCase())).toBe(true);
  });

  it("fails not-found for an unknown commit", async () => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/commits`,
      status: 404,
      json: { errors: [{ message: `Commit '${headSha}' does not exist in repository 'deployments'.` }] },
    });
    expect(await rejection(h.host.isAncestor(repo, headSha, mergeSha))).toMatchObject({ code: "not-found" });
  });
});
