import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bitbucketCloudCommentLimit } from "../../../src/hosts/bitbucket-cloud/bitbucket-cloud-comments.js";
import { createBitbucketCloudHost } from "../../../src/hosts/bitbucket-cloud/bitbucket-cloud-host.js";
import type { RepoRef } from "../../../src/hosts/host-event.js";
import { type StrictHttpFake, startStrictHttpFake } from "../../support/strict-http-fake.js";
import { rejection } from "../shared/rejection.js";
import { makeTarball } from "../shared/tarball-fixtures.js";
import { BOT, DANA, EVE, FULL_NAME, named, pullRequest, sha } from "./bitbucket-cloud-fixtures.js";

const EMAIL = "bot@example.com";
const TOKEN = "ATATT3xFfGF0bitbucketcloudtoken";
const BASIC = `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString("base64")}`;
const REPO = `/2.0/repositories/${FULL_NAME}`;
const repo: RepoRef = { host: "bitbucket", fullName: FULL_NAME };
const HEAD = sha("a1");
const TIP = sha("b2");
const MERGE = sha("d4");
const MARKER = "<!-- zakenak:plan -->";
const HIDDEN = "[//]: # (zakenak:plan)";

let fake: StrictHttpFake;
let host: ReturnType<typeof createBitbucketCloudHost>;
let dest: string;
beforeAll(async () => {
  fake = await startStrictHttpFake();
});
afterAll(() => fake.close());
beforeEach(async () => {
  host = createBitbucketCloudHost({
    apiUrl: `${fake.url}/2.0/`,
    auth: { kind: "api-token", email: EMAIL, token: TOKEN },
  });
  dest = await mkdtemp(join(tmpdir(), "zakenak-bbcloud-"));
});
afterEach(async () => {
  await rm(dest, { recursive: true, force: true });
  fake.verify();
});

const commit = (full: string, repoPath = REPO) => ({
  method: "GET",
  path: `${repoPath}/commit/${full.slice(0, 12)}`,
  json: { hash: full },
});
const branch = (name: string, hash: string, status = 200) => ({
  method: "GET",
  path: `${REPO}/refs/branches/${name}`,
  status,
  json: status === 200 ? { name, target: { hash } } : { type: "error", error: { message: "not found" } },
});
const user = { method: "GET", path: "/2.0/user", json: BOT };
const notFound = { status: 404, json: { type: "error", error: { message: "Not found" } } };

describe("Bitbucket Cloud host: pull requests", () => {
  it("expands the 12-character head to the full sha and reads the base branch's tip", async () => {
    fake.expect(
      {
        method: "GET",
        path: `${REPO}/pullrequests/7`,
        requestHeaders: { authorization: BASIC },
        json: pullRequest({ id: 7, head: HEAD, headRef: "feature/green" }),
      },
      commit(HEAD),
      branch("develop", TIP),
    );
    expect(await host.getPullRequest(repo, 7)).toEqual({
      number: 7,
      headSha: HEAD,
      headBranch: "feature/green",
      baseBranch: "develop",
      baseSha: TIP,
      state: "open",
      fromFork: false,
    });
  });

  it.each([
    ["MERGED", "merged"],
    ["DECLINED", "closed"],
    ["SUPERSEDED", "closed"],
  ] as const)("maps %s to %s; a fork's head is expanded in the fork", async (state, expected) => {
    fake.expect(
      {
        method: "GET",
        path: `${REPO}/pullrequests/8`,
        json: pullRequest({ id: 8, head: HEAD, headRef: "x", state, from: "mallory/deployments", base: TIP }),
      },
      commit(HEAD, "/2.0/repositories/mallory/deployments"),
      branch("develop", "", 404),
      commit(TIP),
    );
    expect(await host.getPullRequest(repo, 8)).toMatchObject({
      state: expected,
      fromFork: true,
      baseSha: TIP,
    });
  });

  it("finds the merged pull request by its 12-character merge commit; none when Bitbucket has no index", async () => {
    fake.expect(
      {
        method: "GET",
        path: `${REPO}/commit/${MERGE}/pullrequests`,
        json: {
          values: [
            pullRequest({ id: 3, head: HEAD, headRef: "a" }),
            pullRequest({ id: 4, head: HEAD, headRef: "b", state: "MERGED", mergeSha: MERGE }),
          ],
        },
      },
      { method: "GET", path: `${REPO}/commit/${HEAD}/pullrequests`, ...notFound },
    );
    expect(await host.pullRequestForCommit(repo, MERGE)).toBe(4);
    expect(await host.pullRequestForCommit(repo, HEAD)).toBeUndefined();
  });
});

describe("Bitbucket Cloud host: comments", () => {
  const comments = `${REPO}/pullrequests/7/comments`;

  it("hides the marker and edits the bot's comment found on the next page in place", async () => {
    fake.expect(user, {
      method: "GET",
      path: comments,
      query: { pagelen: "100" },
      json: {
        values: [
          { id: 1, content: { raw: `${HIDDEN}\n\nquoted by a person` }, user: DANA },
          { id: 2, content: { raw: `${HIDDEN}\n\nold` }, user: BOT, deleted: true },
        ],
        next: `${fake.url}${comments}?pagelen=100&page=2`,
      },
    });
    fake.expect(
      {
        method: "GET",
        path: comments,
        query: { page: "2" },
        json: { values: [{ id: 3, content: { raw: `${HIDDEN}\n\nold plan` }, user: BOT }] },
      },
      {
        method: "PUT",
        path: `${comments}/3`,
        body: { content: { raw: `${HIDDEN}\n\nnew plan` } },
        json: { id: 3 },
      },
    );
    expect(await host.upsertComment(repo, 7, MARKER, `${MARKER}\nnew plan`)).toEqual({
      id: "3",
      created: false,
    });
  });

  it("creates the comment when none is the bot's, trimmed to the limit with the marker kept", async () => {
    fake.expect(
      user,
      { method: "GET", path: comments, json: { values: [] } },
      {
        method: "POST",
        path: comments,
        status: 201,
        json: { id: 9 },
      },
    );
    const body = `${MARKER}\n${"x".repeat(bitbucketCloudCommentLimit + 10)}`;
    expect(await host.upsertComment(repo, 7, MARKER, body)).toEqual({ id: "9", created: true });
    const sent = JSON.parse(fake.requests.at(-1)?.body ?? "{}").content.raw as string;
    expect(sent.length).toBeLessThanOrEqual(bitbucketCloudCommentLimit);
    expect(sent.startsWith(HIDDEN)).toBe(true);
    expect(sent).toContain("truncated");
  });

  it("leaves an unchanged comment alone and refuses a next page outside the API", async () => {
    fake.expect(user, {
      method: "GET",
      path: comments,
      json: { values: [{ id: 5, content: { raw: `${HIDDEN}\n\nsame` }, user: BOT }] },
    });
    expect(await host.upsertComment(repo, 7, MARKER, `${MARKER}\nsame`)).toEqual({ id: "5", created: false });
    fake.expect({ method: "GET", path: comments, json: { values: [], next: "https://evil.example/steal" } });
    expect((await rejection(host.upsertComment(repo, 7, MARKER, "x"))).message).toMatch(/outside the API/);
  });

  it("splits a long reply over several comments", async () => {
    fake.expect({ method: "POST", path: comments, status: 201, json: { id: 1 }, times: 2 });
    await host.createComment(repo, 7, "y".repeat(bitbucketCloudCommentLimit + 1));
    expect(fake.requests.slice(-2).map((r) => JSON.parse(r.body).content.raw.length)).toEqual([
      bitbucketCloudCommentLimit,
      1,
    ]);
  });
});

describe("Bitbucket Cloud host: statuses and permissions", () => {
  it("posts build statuses keyed by context, with the commit page as the required url", async () => {
    const path = `${REPO}/commit/${HEAD}/statuses/build`;
    const long = "zakenak/plan: a-very-long-environment-name-indeed";
    fake.expect(
      {
        method: "POST",
        path,
        body: {
          key: "zakenak/plan: dev",
          name: "zakenak/plan: dev",
          state: "INPROGRESS",
          description: "planning…",
          url: `https://bitbucket.org/${FULL_NAME}/commits/${HEAD}`,
        },
        status: 201,
        json: {},
      },
      {
        method: "POST",
        path,
        body: { name: long, state: "FAILED", url: "https://zakenak.example/run/1" },
        status: 201,
        json: {},
      },
    );
    await host.setStatus(repo, HEAD, {
      context: "zakenak/plan: dev",
      state: "pending",
      description: "planning…",
    });
    await host.setStatus(repo, HEAD, {
      context: long,
      state: "error",
      description: "failed",
      targetUrl: "https://zakenak.example/run/1",
    });
    const key = JSON.parse(fake.requests.at(-1)?.body ?? "{}").key as string;
    expect(key.length).toBe(40);
    expect(key.startsWith(long.slice(0, 29))).toBe(true);
  });

  it("reads the effective permission by account id or uuid; an unknown name has none", async () => {
    const path = "/2.0/workspaces/acme/permissions/repositories/deployments";
    fake.expect(
      {
        method: "GET",
        path,
        query: { q: `user.account_id="${DANA.account_id}"` },
        json: { values: [{ permission: "write" }] },
      },
      {
        method: "GET",
        path,
        query: { q: `user.uuid="${EVE.uuid}"` },
        json: { values: [{ permission: "admin" }] },
      },
      { method: "GET", path, query: { q: `user.account_id="${EVE.account_id}"` }, json: { values: [] } },
    );
    expect(await host.getPermission(repo, named(DANA))).toBe("write");
    expect(await host.getPermission(repo, EVE.uuid)).toBe("admin");
    expect(await host.getPermission(repo, named(EVE))).toBe("none");
    expect(await host.getPermission(repo, 'x" OR user.uuid!="')).toBe("none");
  });

  it("says a 403 on permissions means the token is not a repository admin", async () => {
    fake.expect({
      method: "GET",
      path: "/2.0/workspaces/acme/permissions/repositories/deployments",
      status: 403,
      json: {
        type: "error",
        error: { message: "Your credentials lack one or more required privilege scopes." },
      },
    });
    const error = await rejection(host.getPermission(repo, named(DANA)));
    expect(error.code).toBe("forbidden");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/only to a repository admin/);
    expect(error.message).not.toContain(TOKEN);
  });

  it("names the bot by its account id, and reports no commit as verified", async () => {
    fake.expect(user);
    expect(await host.botUser()).toBe(named(BOT));
    expect(await host.botUser()).toBe(named(BOT));
    expect(await host.isCommitVerified(repo, HEAD)).toBe(false);
  });
});

describe("Bitbucket Cloud host: contents and refs", () => {
  it("downloads the archive from the web host and extracts it", async () => {
    fake.expect({
      method: "GET",
      path: `/${FULL_NAME}/get/${HEAD}.tar.gz`,
      requestHeaders: { authorization: BASIC },
      raw: await makeTarball("acme-deployments-a1a1a1a1a1a1", { ".zakenak.yaml": "version: 1\n" }),
    });
    await host.downloadArchive(repo, HEAD, dest);
    expect(await readdir(dest)).toEqual([".zakenak.yaml"]);
    expect(await readFile(join(dest, ".zakenak.yaml"), "utf8")).toBe("version: 1\n");
  });

  it("reads a file at a ref; a branch with a slash at its tip; a missing file is undefined", async () => {
    fake.expect(
      {
        method: "GET",
        path: `${REPO}/src/main/.zakenak.yaml`,
        raw: "a: 1\n",
        headers: { "content-type": "text/plain" },
      },
      branch("release/2", TIP),
      { method: "GET", path: `${REPO}/src/${TIP}/deploy/values.yaml`, raw: "b: 2\n" },
      { method: "GET", path: `${REPO}/src/main/missing.yaml`, ...notFound },
    );
    expect(await host.readFile(repo, "main", ".zakenak.yaml")).toBe("a: 1\n");
    expect(await host.readFile(repo, "release/2", "deploy/values.yaml")).toBe("b: 2\n");
    expect(await host.readFile(repo, "main", "missing.yaml")).toBeUndefined();
  });

  it("resolves branches and tags; a missing ref is undefined", async () => {
    fake.expect(
      branch("develop", TIP),
      { method: "GET", path: `${REPO}/refs/tags/v1.2.0`, json: { name: "v1.2.0", target: { hash: MERGE } } },
      { method: "GET", path: `${REPO}/refs/tags/v9`, ...notFound },
    );
    expect(await host.refSha(repo, "refs/heads/develop")).toBe(TIP);
    expect(await host.refSha(repo, "refs/tags/v1.2.0")).toBe(MERGE);
    expect(await host.refSha(repo, "refs/tags/v9")).toBeUndefined();
  });

  it("tells ancestry by the merge base; unrelated histories are not, unknown commits are not-found", async () => {
    const base = (a: string, b: string) => `${REPO}/merge-base/${a}..${b}`;
    fake.expect(
      { method: "GET", path: base(TIP, HEAD), json: { hash: TIP } },
      { method: "GET", path: base(HEAD, TIP), json: { hash: TIP } },
      { method: "GET", path: base(MERGE, HEAD), ...notFound },
      commit(MERGE),
      commit(HEAD),
      { method: "GET", path: base(sha("ee"), HEAD), ...notFound },
      { ...commit(sha("ee")), ...notFound },
    );
    expect(await host.isAncestor(repo, HEAD, HEAD)).toBe(true);
    expect(await host.isAncestor(repo, TIP, HEAD)).toBe(true);
    expect(await host.isAncestor(repo, HEAD, TIP)).toBe(false);
    expect(await host.isAncestor(repo, MERGE, HEAD)).toBe(false);
    expect((await rejection(host.isAncestor(repo, sha("ee"), HEAD))).code).toBe("not-found");
  });

  it("asks for the main branch once and remembers it", async () => {
    fake.expect({
      method: "GET",
      path: `${REPO}/`,
      query: { fields: "mainbranch.name" },
      json: { mainbranch: { name: "main" } },
    });
    expect(await host.defaultBranch(repo)).toBe("main");
    expect(await host.defaultBranch(repo)).toBe("main");
  });

  it("maps failures to retryable or not, without the token", async () => {
    fake.expect(
      { method: "GET", path: `${REPO}/pullrequests/1`, status: 503, json: {} },
      {
        method: "GET",
        path: `${REPO}/pullrequests/2`,
        status: 401,
        json: { error: { message: `bad ${TOKEN}` } },
      },
    );
    expect((await rejection(host.getPullRequest(repo, 1))).retryable).toBe(true);
    const refused = await rejection(host.getPullRequest(repo, 2));
    expect(refused.code).toBe("unauthorized");
    expect(refused.message).not.toContain(TOKEN);
  });
});
