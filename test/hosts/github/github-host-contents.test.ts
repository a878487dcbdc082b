import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ARCHIVE_LIMITS } from "../../../src/hosts/shared/archive-limits.js";
import { rejection } from "../shared/rejection.js";
import { craftTarball, makeTarball } from "../shared/tarball-fixtures.js";
import {
  baseSha,
  commitStatus,
  gitCommit,
  headSha,
  notFound,
  owner,
  repoName,
  user,
} from "./github-fixtures.js";
import { repo, repoPath, useGitHubHarness } from "./github-harness.js";

const h = useGitHubHarness();

describe("GitHub host: statuses and permissions", () => {
  it("sets a status with the description trimmed to 140 characters", async () => {
    const long = "d".repeat(200);
    h.fake.expect({
      method: "POST",
      path: `${repoPath}/statuses/${headSha}`,
      body: { state: "failure", context: "zakenak/plan: dev", target_url: "https://zakenak.example/runs/1" },
      status: 201,
      json: commitStatus(h.fake.url, "failure", "zakenak/plan: dev", long.slice(0, 140)),
    });
    await h.host.setStatus(repo, headSha, {
      context: "zakenak/plan: dev",
      state: "failure",
      description: long,
      targetUrl: "https://zakenak.example/runs/1",
    });
    const description = (JSON.parse(h.fake.requests.at(-1)?.body ?? "{}") as { description: string })
      .description;
    expect(description).toHaveLength(140);
  });

  it.each([
    [{ permission: "admin", role_name: "admin" }, "admin"],
    [{ permission: "write", role_name: "maintain" }, "maintain"],
    [{ permission: "write", role_name: "write" }, "write"],
    [{ permission: "read", role_name: "triage" }, "triage"],
    [{ permission: "read", role_name: "read" }, "read"],
    [{ permission: "none", role_name: "" }, "none"],
    [{ permission: "write", role_name: "deployer" }, "write"],
    [{ permission: "write" }, "write"],
  ])("maps %j to %s", async (answer, expected) => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/collaborators/alice/permission`,
      json: { ...answer, user: user("alice") },
    });
    expect(await h.host.getPermission(repo, "alice")).toBe(expected);
  });

  it("gives an unknown user no permission", async () => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/collaborators/ghost/permission`,
      status: 404,
      json: notFound("collaborators"),
    });
    expect(await h.host.getPermission(repo, "ghost")).toBe("none");
  });
});

describe("GitHub host: contents", () => {
  it("downloads the tarball through the redirect and drops the top directory", async () => {
    const archive = await makeTarball(`${owner}-${repoName}-${headSha.slice(0, 7)}`, {
      "zakenak.yaml": "environments: []\n",
      "charts/app/Chart.yaml": "name: app\n",
    });
    const codeload = `/codeload/${owner}/${repoName}/legacy.tar.gz/${headSha}`;
    h.fake.expect(
      {
        method: "GET",
        path: `${repoPath}/tarball/${headSha}`,
        status: 302,
        headers: { location: `${h.fake.url}${codeload}?token=AABBCC` },
      },
      {
        method: "GET",
        path: codeload,
        query: { token: "AABBCC" },
        raw: archive,
        headers: { "content-type": "application/x-gzip" },
      },
    );
    await h.host.downloadArchive(repo, headSha, h.dest);
    expect((await readdir(h.dest)).sort()).toEqual(["charts", "zakenak.yaml"]);
    expect(await readFile(join(h.dest, "charts/app/Chart.yaml"), "utf8")).toBe("name: app\n");
  });

  it("refuses an archive with an entry outside the tree", async () => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/tarball/${headSha}`,
      raw: craftTarball([{ name: "top/../../evil", content: "x" }]),
      headers: { "content-type": "application/x-gzip" },
    });
    const error = await rejection(h.host.downloadArchive(repo, headSha, h.dest));
    expect(error).toMatchObject({ code: "invalid", retryable: false });
    expect(await readdir(h.dest)).toEqual([]);
  });

  it("holds the archive to the limits it is given", async () => {
    h.fake.expect({
      method: "GET",
      path: `${repoPath}/tarball/${headSha}`,
      raw: await makeTarball("top", { "a.txt": "a", "b.txt": "b" }),
      headers: { "content-type": "application/x-gzip" },
    });
    const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 2 };
    const error = await rejection(h.host.downloadArchive(repo, headSha, h.dest, limits));
    expect(error).toMatchObject({ code: "archive-too-large", retryable: false });
    expect(error.message).toContain("limits.archive.maxEntries");
    expect(await readdir(h.dest)).toEqual([]);
  });

  it("reads a file raw, and undefined when it is missing or a directory", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${repoPath}/contents/.zakenak%2Fpolicy.yaml`,
        query: { ref: "main" },
        requestHeaders: { accept: /raw/ },
        raw: "plan: read\n",
        headers: { "content-type": "text/plain; charset=utf-8" },
      },
      {
        method: "GET",
        path: `${repoPath}/contents/missing.yaml`,
        status: 404,
        json: notFound("repos/contents"),
      },
      {
        method: "GET",
        path: `${repoPath}/contents/charts`,
        json: [{ type: "dir", name: "app", path: "charts/app" }],
      },
      {
        method: "GET",
        path: `${repoPath}/contents/bin.dat`,
        raw: Buffer.from("bytes"),
        headers: { "content-type": "application/octet-stream" },
      },
    );
    expect(await h.host.readFile(repo, "main", ".zakenak/policy.yaml")).toBe("plan: read\n");
    expect(await h.host.readFile(repo, "main", "missing.yaml")).toBeUndefined();
    expect(await h.host.readFile(repo, "main", "charts")).toBeUndefined();
    expect(await h.host.readFile(repo, "main", "bin.dat")).toBe("bytes");
  });

  it("reads the commit's signature verification", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${repoPath}/git/commits/${headSha}`,
        json: gitCommit(h.fake.url, headSha, { verified: true, reason: "valid" }),
      },
      {
        method: "GET",
        path: `${repoPath}/git/commits/${baseSha}`,
        json: gitCommit(h.fake.url, baseSha, { verified: false, reason: "unsigned" }),
      },
    );
    expect(await h.host.isCommitVerified(repo, headSha)).toBe(true);
    expect(await h.host.isCommitVerified(repo, baseSha)).toBe(false);
  });
});
