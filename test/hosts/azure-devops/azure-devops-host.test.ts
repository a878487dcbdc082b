import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAzureDevOpsHost } from "../../../src/hosts/azure-devops/azure-devops-host.js";
import type { GitHost } from "../../../src/hosts/git-host.js";
import type { RepoRef } from "../../../src/hosts/host-event.js";
import { type StrictHttpFake, startStrictHttpFake } from "../../support/strict-http-fake.js";
import { rejection } from "../shared/rejection.js";
import { makeZip } from "./zip-fixtures.js";

const TOKEN = "pat0123456789abcdefghijklmnop";
const BOT = "11111111-2222-3333-4444-555555555555";
const REPO = "/tfs/Coll/Platform/_apis/git/repositories/deployments";
const repo: RepoRef = { host: "azure-devops", fullName: "Platform/deployments", id: "guid" };
const SHA = "a".repeat(40);

let fake: StrictHttpFake;
let host: GitHost;
const make = (extra: { writersGroup?: string; apiVersion?: string } = {}) =>
  createAzureDevOpsHost({
    url: `${fake.url}/tfs/Coll`,
    token: TOKEN,
    webhookUser: "u",
    webhookPassword: "p",
    apiVersion: extra.apiVersion ?? "6.0",
    ...(extra.writersGroup ? { writersGroup: extra.writersGroup } : {}),
  });

beforeAll(async () => {
  fake = await startStrictHttpFake();
});
afterAll(() => fake.close());
afterEach(() => fake.verify());

const connection = {
  method: "GET",
  path: "/tfs/Coll/_apis/connectionData",
  query: { "api-version": "6.0-preview" },
  json: { authenticatedUser: { id: BOT, properties: { Account: { $value: "TFS\\zakenak" } } } },
};

describe("the Azure DevOps adapter", () => {
  it("sends the PAT as Basic with an empty user and the configured api-version", async () => {
    host = make();
    fake.expect(connection);
    expect(await host.botUser()).toBe("TFS\\zakenak");
    const seen = fake.requests.at(-1);
    expect(seen?.headers.authorization).toBe(`Basic ${Buffer.from(`:${TOKEN}`).toString("base64")}`);
  });

  it("reads a pull request with the base branch's tip now, and fork origin", async () => {
    host = make();
    fake.expect(
      {
        method: "GET",
        path: `${REPO}/pullrequests/3`,
        query: { "api-version": "6.0" },
        json: {
          pullRequestId: 3,
          status: "active",
          sourceRefName: "refs/heads/feature/x",
          targetRefName: "refs/heads/develop",
          lastMergeSourceCommit: { commitId: SHA },
          lastMergeTargetCommit: { commitId: "c".repeat(40) },
          forkSource: { repository: { id: "fork" } },
        },
      },
      {
        method: "GET",
        path: `${REPO}/refs`,
        query: { filter: "heads/develop", peelTags: "true" },
        json: { value: [{ name: "refs/heads/develop", objectId: "d".repeat(40) }] },
      },
    );
    expect(await host.getPullRequest(repo, 3)).toEqual({
      number: 3,
      headSha: SHA,
      headBranch: "feature/x",
      baseBranch: "develop",
      baseSha: "d".repeat(40),
      state: "open",
      fromFork: true,
    });
    // Now known as an open pull request's head: its status also goes on the pull request.
    const status = { context: "zakenak/plan: dev", state: "failure" as const, description: "2 errors" };
    const body = {
      state: "failed",
      description: "2 errors",
      context: { genre: "zakenak", name: "zakenak/plan: dev" },
    };
    fake.expect(
      {
        method: "POST",
        path: `${REPO}/commits/${SHA}/statuses`,
        query: { "api-version": "6.0" },
        body,
        json: {},
      },
      {
        method: "POST",
        path: `${REPO}/pullRequests/3/statuses`,
        query: { "api-version": "6.0-preview" },
        body,
        json: {},
      },
    );
    await host.setStatus(repo, SHA, status);
  });

  it("puts a status of a commit that heads no known pull request on the commit only", async () => {
    host = make();
    fake.expect({
      method: "POST",
      path: `${REPO}/commits/${"b".repeat(40)}/statuses`,
      body: { state: "succeeded" },
      json: {},
    });
    await host.setStatus(repo, "b".repeat(40), {
      context: "zakenak/apply: dev",
      state: "success",
      description: "ok",
    });
  });

  it("edits the bot's own marked comment in place and trims bodies to 150,000 characters", async () => {
    host = make();
    const marker = "<!-- zakenak:plan -->";
    fake.expect(connection, {
      method: "GET",
      path: `${REPO}/pullRequests/3/threads`,
      json: {
        value: [
          // Someone quoting the marker is not the bot.
          { id: 1, comments: [{ id: 1, content: `${marker} copy`, author: { id: "someone" } }] },
          { id: 2, comments: [{ id: 1, content: `${marker}\nold`, author: { id: BOT }, isDeleted: true }] },
          {
            id: 7,
            comments: [
              { id: 1, content: "hi" },
              { id: 2, content: `${marker}\nold`, author: { id: BOT } },
            ],
          },
        ],
      },
    });
    const long = `${marker}\n${"x".repeat(200_000)}`;
    fake.expect({ method: "PATCH", path: `${REPO}/pullRequests/3/threads/7/comments/2`, json: {} });
    expect(await host.upsertComment(repo, 3, marker, long)).toEqual({ id: "2", created: false });
    const sent = JSON.parse(fake.requests.at(-1)?.body ?? "{}") as { content: string };
    expect(sent.content.length).toBeLessThanOrEqual(150_000);
    expect(sent.content.startsWith(marker)).toBe(true);
    expect(sent.content).toContain("truncated");
  });

  it("creates a thread when there is no marked comment, and splits long replies into threads", async () => {
    host = make();
    fake.expect(
      connection,
      { method: "GET", path: `${REPO}/pullRequests/3/threads`, json: { value: [] } },
      {
        method: "POST",
        path: `${REPO}/pullRequests/3/threads`,
        body: { comments: [{ parentCommentId: 0, content: "<!-- m -->\nhello", commentType: 1 }], status: 1 },
        json: { id: 9, comments: [{ id: 1 }] },
      },
    );
    expect(await host.upsertComment(repo, 3, "<!-- m -->", "<!-- m -->\nhello")).toEqual({
      id: "1",
      created: true,
    });
    fake.expect({ method: "POST", path: `${REPO}/pullRequests/3/threads`, json: { id: 10 }, times: 2 });
    await host.createComment(repo, 3, "y".repeat(150_001));
  });

  it("grants write to direct members of the writers team, maintain to its admins, read to others", async () => {
    host = make({ writersGroup: "Deployers" });
    const members = (skip: string, value: unknown[]) => ({
      method: "GET",
      path: "/tfs/Coll/_apis/projects/Platform/teams/Deployers/members",
      query: { $top: "100", $skip: skip, "api-version": "6.0-preview" },
      json: { value },
    });
    const page = Array.from({ length: 100 }, (_, i) => ({ identity: { id: `${i}`, uniqueName: `u${i}@x` } }));
    fake.expect(
      members("0", page),
      members("100", [{ identity: { id: "d", uniqueName: "Dana@Acme.example" } }]),
    );
    expect(await host.getPermission(repo, "dana@acme.example")).toBe("write");
    fake.expect(members("0", [{ identity: { id: "a", uniqueName: "ann@x" }, isTeamAdmin: true }]));
    expect(await host.getPermission(repo, "ann@x")).toBe("maintain");
    fake.expect(members("0", [{ identity: { id: "a", uniqueName: "ann@x" } }]));
    expect(await host.getPermission(repo, "eve@x")).toBe("read");
    // No writers team configured: nobody is asked about, nobody gets more than read.
    expect(await make().getPermission(repo, "ann@x")).toBe("read");
  });

  it("resolves refs exactly (the filter is a prefix) and peels annotated tags", async () => {
    host = make();
    fake.expect(
      {
        method: "GET",
        path: `${REPO}/refs`,
        query: { filter: "tags/v1" },
        json: {
          value: [
            { name: "refs/tags/v1.1", objectId: "e".repeat(40) },
            { name: "refs/tags/v1", objectId: "f".repeat(40), peeledObjectId: SHA },
          ],
        },
      },
      {
        method: "GET",
        path: `${REPO}/refs`,
        query: { filter: "heads/dev" },
        json: { value: [{ name: "refs/heads/develop", objectId: SHA }] },
      },
    );
    expect(await host.refSha(repo, "refs/tags/v1")).toBe(SHA);
    expect(await host.refSha(repo, "refs/heads/dev")).toBeUndefined();
  });

  it("answers isAncestor from the merge bases, and never calls a commit verified", async () => {
    host = make();
    const other = "b".repeat(40);
    const bases = (commitId: string) => ({
      method: "GET",
      path: `${REPO}/commits/${SHA}/mergebases`,
      query: { otherCommitId: other, "api-version": "6.0-preview" },
      json: { value: [{ commitId }] },
    });
    fake.expect(bases(SHA), bases(other));
    expect(await host.isAncestor(repo, SHA, other)).toBe(true);
    expect(await host.isAncestor(repo, SHA, other)).toBe(false);
    expect(await host.isAncestor(repo, SHA, SHA.toUpperCase())).toBe(true);
    expect(await host.isCommitVerified(repo, SHA)).toBe(false);
  });

  it("reads files at a branch or a commit, undefined when missing", async () => {
    host = make();
    fake.expect(
      {
        method: "GET",
        path: `${REPO}/items`,
        query: {
          path: "/.zakenak.yaml",
          "versionDescriptor.version": "main",
          "versionDescriptor.versionType": "branch",
        },
        raw: "a: 1\n",
      },
      {
        method: "GET",
        path: `${REPO}/items`,
        query: { "versionDescriptor.versionType": "commit" },
        status: 404,
        json: { message: "TF401174" },
      },
    );
    expect(await host.readFile(repo, "main", ".zakenak.yaml")).toBe("a: 1\n");
    expect(await host.readFile(repo, SHA, ".zakenak.yaml")).toBeUndefined();
  });

  it("downloads the commit as a zip and extracts it", async () => {
    host = make();
    const dir = await mkdtemp(join(tmpdir(), "zakenak-ado-"));
    fake.expect({
      method: "GET",
      path: `${REPO}/items`,
      query: {
        path: "/",
        "versionDescriptor.version": SHA,
        "versionDescriptor.versionType": "commit",
        $format: "zip",
      },
      raw: makeZip({ ".zakenak.yaml": "a\n", "m/cm.yaml": "b\n" }, "deployments"),
      headers: { "content-type": "application/zip" },
    });
    await host.downloadArchive(repo, SHA, dir);
    expect((await readdir(dir)).sort()).toEqual([".zakenak.yaml", "m"]);
    await rm(dir, { recursive: true, force: true });
  });

  it("maps failures: a refused token's 203 sign-in page, 403, 5xx; never showing the token", async () => {
    host = make();
    fake.expect(
      {
        method: "GET",
        path: `${REPO}/pullrequests/1`,
        status: 203,
        raw: "<html>sign in</html>",
        headers: { "content-type": "text/html" },
      },
      {
        method: "GET",
        path: `${REPO}/pullrequests/2`,
        status: 403,
        json: { message: `denied for ${TOKEN}` },
      },
      { method: "GET", path: `${REPO}/pullrequests/3`, status: 503, json: { message: "busy" } },
    );
    const unauthorized = await rejection(host.getPullRequest(repo, 1));
    expect([unauthorized.code, unauthorized.retryable]).toEqual(["unauthorized", false]);
    const forbidden = await rejection(host.getPullRequest(repo, 2));
    expect([forbidden.code, forbidden.retryable]).toEqual(["forbidden", false]);
    expect(forbidden.message).not.toContain(TOKEN);
    const busy = await rejection(host.getPullRequest(repo, 3));
    expect([busy.code, busy.retryable]).toEqual(["host-unavailable", true]);
  });

  it("refuses repository names that would leave the collection", async () => {
    host = make();
    const error = await rejection(host.getPullRequest({ ...repo, fullName: "../deployments" }, 1));
    expect(error.code).toBe("invalid");
    expect(fake.requests.filter((r) => !r.path.startsWith("/tfs/Coll/"))).toEqual([]);
  });
});
