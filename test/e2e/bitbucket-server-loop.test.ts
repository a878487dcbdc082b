import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { expect } from "vitest";
import {
  bbsBranch,
  bbsComment,
  bbsPullRequest,
  bbsUser,
  commentActivity,
  commentPayload,
  page,
  pullRequestPayload,
  refsChangedPayload,
} from "../hosts/bitbucket-server/bitbucket-server-fixtures.js";
import { makeTarball } from "../hosts/shared/tarball-fixtures.js";
import { jsonOf } from "../support/e2e-fake-phases.js";
import { Call, type LoopPullRequest, pathMatch, type Role, SHA } from "../support/e2e-loop-host.js";
import { runLoop } from "../support/e2e-loop-scenario.js";
import type { Expectation, RecordedRequest } from "../support/strict-http-fake.js";

const TOKEN = `BBDC-${randomBytes(24).toString("base64url")}`;
const BOT = bbsUser("zakenak-bot", 900, "SERVICE");
const USERS: Record<Role, string> = { writer: "dana", reader: "eve" };
// The highest repository permission each role holds: write for the writer, read for the reader.
const GRANTS: Record<Role, string> = { writer: "REPO_WRITE", reader: "REPO_READ" };

// Bitbucket under a context path, as many installations run it.
const CONTEXT = "/bitbucket";
const API = `${CONTEXT}/rest/api/latest`;
const REPO = `${API}/projects/PLAT/repos/deployments`;

const secret = `bbs-hook-${randomUUID()}`;

// ---- webhooks, as Bitbucket sends them: signed with X-Hub-Signature: sha256=<hex> ----------------

function webhookHeaders(eventKey: string, body: string): Record<string, string> {
  return {
    "content-type": "application/json; charset=utf-8",
    "user-agent": "Atlassian HttpClient 4.2.0 / Bitbucket-9.4.2 (9004002) / Default",
    "x-event-key": eventKey,
    "x-request-id": randomUUID(),
    "x-hub-signature": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
  };
}

/** The pull request as the API and the webhooks carry it: from a branch of the repository into develop. */
function pullRequestOf(pr: LoopPullRequest) {
  return bbsPullRequest({
    id: pr.number,
    state: pr.mergeSha ? "MERGED" : "OPEN",
    head: pr.head,
    headBranch: pr.headRef,
    base: pr.developTip,
    baseBranch: "develop",
    ...(pr.mergeSha ? { mergeCommit: pr.mergeSha } : {}),
  });
}

// ---- the API calls the bot makes, answered as Bitbucket does ------------------------------------

const developAt = (sha: string, times = 1): Expectation => ({
  method: "GET",
  path: `${REPO}/branches`,
  query: { filterText: "develop" },
  json: page([bbsBranch("develop", sha)]),
  times,
});

/** Bitbucket's calls in the scenario's words. */
function describeCall(r: RecordedRequest): string | undefined {
  const get = r.method === "GET";
  const [id] = pathMatch(r, new RegExp(`^${REPO}/pull-requests/(\\d+)$`));
  if (get && id) return Call.pullRequest(Number(id));
  if (get && r.path === `${REPO}/branches`) return Call.tip(String(r.query.filterText));
  if (get && r.path === `${REPO}/raw/.zakenak.yaml`) return Call.config(String(r.query.at));
  if (get && r.path === `${REPO}/archive`) return Call.archive(String(r.query.at));
  const [built] = pathMatch(r, new RegExp(`^${REPO}/commits/${SHA}/builds$`));
  if (r.method === "POST" && built) return Call.status(String(jsonOf(r).state));
  // Commits reachable from `until` and not from `since`: none when until is an ancestor of since.
  if (get && r.path === `${REPO}/commits`) return Call.ancestry(String(r.query.until), String(r.query.since));
  const [commit] = pathMatch(r, new RegExp(`^${REPO}/commits/${SHA}/pull-requests$`));
  if (get && commit) return Call.pullsOf(commit);
  const [listed] = pathMatch(r, new RegExp(`^${REPO}/pull-requests/(\\d+)/activities$`));
  if (get && listed) return Call.comments(Number(listed));
  const [posted] = pathMatch(r, new RegExp(`^${REPO}/pull-requests/(\\d+)/comments$`));
  if (r.method === "POST" && posted) return Call.postComment(Number(posted));
  return undefined;
}

function permissionSearch(user: string, grant: string, holds: boolean): Expectation {
  return {
    method: "GET",
    path: `${API}/users`,
    query: {
      filter: user,
      "permission.1": grant,
      "permission.1.projectKey": "PLAT",
      "permission.1.repositorySlug": "deployments",
    },
    json: page(holds ? [bbsUser(user)] : []),
  };
}

runLoop("Bitbucket Server", {
  prefix: "e2e-bbs",
  serveEnv: (fakeUrl) => ({
    BITBUCKET_SERVER_URL: `${fakeUrl}${CONTEXT}`,
    BITBUCKET_SERVER_TOKEN: TOKEN,
    BITBUCKET_SERVER_WEBHOOK_SECRET: secret,
  }),
  host: ({ repo }) => ({
    users: USERS,
    states: { working: "INPROGRESS", succeeded: "SUCCESSFUL" },

    webhookPath: "/api/bitbucket-server/webhooks",
    webhookHeaders,
    openPullRequest: (pr) => ({
      event: "pr:opened",
      payload: { ...pullRequestPayload("pr:opened"), pullRequest: pullRequestOf(pr) },
    }),
    push: (before, after) => ({
      event: "repo:refs_changed",
      payload: refsChangedPayload([{ ref: "refs/heads/develop", from: before, to: after }]),
    }),
    comment: (number, id, role, text) => ({
      event: "pr:comment:added",
      payload: commentPayload({ number, id, text, author: bbsUser(USERS[role]) }),
    }),

    firstContact: () => [
      {
        method: "GET",
        path: `${API}/application-properties`,
        json: { version: "9.4.2", buildNumber: "9004002", displayName: "Bitbucket" },
        headers: { "x-ausername": BOT.name, "x-auserid": String(BOT.id) },
      },
      // The webhooks carry no default branch; the bot asks once and keeps the answer for a while.
      {
        method: "GET",
        path: `${REPO}/default-branch`,
        json: { id: "refs/heads/main", displayId: "main", type: "BRANCH" },
      },
    ],
    getPull: (pr, times = 1) => [
      { method: "GET", path: `${REPO}/pull-requests/${pr.number}`, json: pullRequestOf(pr), times },
      developAt(pr.developTip, times),
    ],
    configAt: (ref, times = 1) => ({
      method: "GET",
      path: `${REPO}/raw/.zakenak.yaml`,
      query: { at: ref },
      requestHeaders: { authorization: `Bearer ${TOKEN}` },
      raw: repo.config,
      headers: { "content-type": "text/plain; charset=UTF-8" },
      times,
    }),
    archive: async (sha) => ({
      method: "GET",
      path: `${REPO}/archive`,
      query: { at: sha, format: "tgz" },
      raw: await makeTarball(`deployments-${sha.slice(0, 12)}`, repo.files(sha)),
      headers: {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="deployments-${sha}.tar.gz"`,
      },
    }),
    setStatus: (sha, name, state) => ({
      method: "POST",
      path: `${REPO}/commits/${sha}/builds`,
      body: { key: name, name, state },
      requestHeaders: { "x-atlassian-token": "no-check" },
      status: 204,
    }),
    developAt,
    // The newer commit is reachable from itself and not from the older one.
    notAncestor: (ancestor, descendant) => ({
      method: "GET",
      path: `${REPO}/commits`,
      query: { since: descendant, until: ancestor, limit: "1" },
      json: page([{ id: ancestor, displayId: ancestor.slice(0, 11), message: "Merge", parents: [] }], {
        last: false,
      }),
    }),
    pullsForCommit: (pr) => ({
      method: "GET",
      path: `${REPO}/commits/${pr.mergeSha}/pull-requests`,
      json: page([pullRequestOf(pr)]),
    }),
    listComments: (number, bodies) => ({
      method: "GET",
      path: `${REPO}/pull-requests/${number}/activities`,
      json: page(bodies.map((text, i) => commentActivity(bbsComment(i + 1, text, BOT)))),
    }),
    createComment: (number, id) => ({
      method: "POST",
      path: `${REPO}/pull-requests/${number}/comments`,
      requestHeaders: { "x-atlassian-token": "no-check" },
      status: 201,
      json: bbsComment(id, "(the bot's comment)", BOT),
    }),
    permission: (role) => {
      const user = USERS[role];
      const levels = ["REPO_ADMIN", "REPO_WRITE", "REPO_READ"];
      const held = levels.indexOf(GRANTS[role]);
      return levels.slice(0, held + 1).map((grant, i) => permissionSearch(user, grant, i === held));
    },

    isCommentPost: (number) => (r) =>
      r.method === "POST" && r.path === `${REPO}/pull-requests/${number}/comments`,
    isStatusOf: (sha) => (r) => r.method === "POST" && r.path === `${REPO}/commits/${sha}/builds`,
    // Bitbucket Server keeps a comment's text in `text`.
    commentOf: (r) => String(jsonOf(r).text),
    describe: describeCall,
    expectAuthenticated: (seen) => {
      for (const r of seen) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    },
  }),
});
