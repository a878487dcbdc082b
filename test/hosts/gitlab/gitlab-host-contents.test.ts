import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ARCHIVE_LIMITS } from "../../../src/hosts/shared/archive-limits.js";
import { rejection } from "../shared/rejection.js";
import { craftTarball, makeTarball } from "../shared/tarball-fixtures.js";
import { gitLabUser, headSha, mainTip, member, mergeSha, projectPath } from "./gitlab-fixtures.js";
import {
  botUserExpectation,
  byId,
  byPath,
  encoded,
  numbered,
  token,
  useGitLabHarness,
} from "./gitlab-harness.js";

const h = useGitLabHarness();

describe("GitLab host: permissions", () => {
  it.each([
    [50, "admin"],
    [40, "maintain"],
    [30, "write"],
    [20, "triage"],
    [15, "read"],
    [10, "read"],
    [5, "none"],
  ])("maps access_level %i to %s", async (level, expected) => {
    h.fake.expect(
      { method: "GET", path: "/api/v4/users", query: { username: "alice" }, json: [gitLabUser(7, "alice")] },
      { method: "GET", path: `${numbered}/members/all/7`, json: member(7, "alice", level) },
    );
    expect(await h.host.getPermission(byId, "alice")).toBe(expected);
  });

  it("gives non-members and unknown users none", async () => {
    h.fake.expect(
      { method: "GET", path: "/api/v4/users", query: { username: "bob" }, json: [gitLabUser(8, "bob")] },
      { method: "GET", path: `${encoded}/members/all/8`, status: 404, json: { message: "404 Not found" } },
      { method: "GET", path: "/api/v4/users", query: { username: "ghost" }, json: [] },
    );
    expect(await h.host.getPermission(byPath, "bob")).toBe("none");
    expect(await h.host.getPermission(byPath, "ghost")).toBe("none");
  });
});

describe("GitLab host: contents", () => {
  it("downloads archive.tar.gz at the sha and drops the top directory", async () => {
    const archive = await makeTarball(`app-${headSha}-${headSha}`, {
      "zakenak.yaml": "environments: []\n",
      "manifests/cm.yaml": "kind: ConfigMap\n",
    });
    h.fake.expect({
      method: "GET",
      path: `${numbered}/repository/archive.tar.gz`,
      query: { sha: headSha },
      raw: archive,
      headers: {
        "content-type": "application/octet-stream",
        "content-disposition": 'attachment; filename="app.tar.gz"',
      },
    });
    await h.host.downloadArchive(byId, headSha, h.dest);
    expect((await readdir(h.dest)).sort()).toEqual(["manifests", "zakenak.yaml"]);
    expect(await readFile(join(h.dest, "manifests/cm.yaml"), "utf8")).toBe("kind: ConfigMap\n");
  });

  it("refuses an archive with an absolute path", async () => {
    h.fake.expect({
      method: "GET",
      path: `${numbered}/repository/archive.tar.gz`,
      raw: craftTarball([{ name: "/etc/cron.d/evil", content: "x" }]),
      headers: { "content-type": "application/octet-stream" },
    });
    expect(await rejection(h.host.downloadArchive(byId, headSha, h.dest))).toMatchObject({ code: "invalid" });
  });

  it("holds the archive to the limits it is given", async () => {
    h.fake.expect({
      method: "GET",
      path: `${numbered}/repository/archive.tar.gz`,
      query: { sha: headSha },
      raw: await makeTarball("top", { "big.txt": "x".repeat(2048) }),
      headers: { "content-type": "application/octet-stream" },
    });
    const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxExtractedBytes: 2047 };
    const error = await rejection(h.host.downloadArchive(byId, headSha, h.dest, limits));
    expect(error).toMatchObject({ code: "archive-too-large", retryable: false });
    expect(error.message).toContain("limits.archive.maxExtractedBytes");
    expect(await readdir(h.dest)).toEqual([]);
  });

  it("reads a raw file by escaped path, undefined when missing", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${numbered}/repository/files/${encodeURIComponent(".zakenak/policy.yaml")}/raw`,
        query: { ref: "main" },
        raw: "plan: read\n",
        headers: { "content-type": "text/plain; charset=utf-8" },
      },
      {
        method: "GET",
        path: `${numbered}/repository/files/chart.tgz/raw`,
        raw: Buffer.from("bin"),
        headers: { "content-type": "application/octet-stream" },
      },
      {
        method: "GET",
        path: `${numbered}/repository/files/missing.yaml/raw`,
        status: 404,
        json: { message: "404 File Not Found" },
      },
    );
    expect(await h.host.readFile(byId, "main", ".zakenak/policy.yaml")).toBe("plan: read\n");
    expect(await h.host.readFile(byId, "main", "chart.tgz")).toBe("bin");
    expect(await h.host.readFile(byId, "main", "missing.yaml")).toBeUndefined();
  });

  it("reads a commit's signature status; no signature is unverified", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${numbered}/repository/commits/${headSha}/signature`,
        json: {
          signature_type: "PGP",
          verification_status: "verified",
          gpg_key_id: 1,
          gpg_key_primary_keyid: "8254AAB3FBD54AC9",
          gpg_key_user_name: "Alice",
          gpg_key_user_email: "alice@example.com",
          gpg_key_subkey_id: null,
          commit_source: "gitaly",
        },
      },
      {
        method: "GET",
        path: `${numbered}/repository/commits/${mergeSha}/signature`,
        json: { signature_type: "SSH", verification_status: "unverified" },
      },
      {
        method: "GET",
        path: `${numbered}/repository/commits/${mainTip}/signature`,
        status: 404,
        json: { message: "404 Signature Not Found" },
      },
    );
    expect(await h.host.isCommitVerified(byId, headSha)).toBe(true);
    expect(await h.host.isCommitVerified(byId, mergeSha)).toBe(false);
    expect(await h.host.isCommitVerified(byId, mainTip)).toBe(false);
  });

  it("knows its own user", async () => {
    h.fake.expect(botUserExpectation());
    expect(await h.host.botUser()).toBe("zakenak-bot");
  });
});

describe("GitLab host: errors", () => {
  it("makes a 502 retryable once gitbeaker's own retries are spent", async () => {
    h.fake.expect({
      method: "GET",
      path: `${numbered}/merge_requests/12`,
      status: 502,
      json: { message: "502 Bad Gateway" },
      times: 10,
    });
    const error = await rejection(h.host.getPullRequest(byId, 12));
    expect(error).toMatchObject({ code: "host-unavailable", retryable: true });
    expect(error.message).toContain(`GitLab getPullRequest on ${projectPath}`);
  });

  it("makes a 503 retryable at once", async () => {
    h.fake.expect({
      method: "GET",
      path: `${numbered}/merge_requests/12`,
      status: 503,
      json: { message: "503 Service Unavailable" },
    });
    expect(await rejection(h.host.getPullRequest(byId, 12))).toMatchObject({ retryable: true });
  });

  it("makes a 404 a final not-found error", async () => {
    h.fake.expect({
      method: "GET",
      path: `${numbered}/merge_requests/99`,
      status: 404,
      json: { message: "404 Not found" },
    });
    expect(await rejection(h.host.getPullRequest(byId, 99))).toMatchObject({
      code: "not-found",
      retryable: false,
    });
  });

  it("keeps the token out of the error, even when echoed back", async () => {
    h.fake.expect({
      method: "POST",
      path: `${numbered}/merge_requests/12/notes`,
      status: 401,
      json: { message: `401 Unauthorized: ${token}` },
    });
    const error = await rejection(h.host.createComment(byId, 12, "hi"));
    expect(error).toMatchObject({ code: "unauthorized", retryable: false });
    expect(error.message).not.toContain(token);
    expect(error.cause).toBeUndefined();
  });
});
