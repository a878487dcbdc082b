import { randomBytes, randomUUID } from "node:crypto";
import { expect } from "vitest";
import { hiddenMarker } from "../../src/hosts/bitbucket-cloud/bitbucket-cloud-comments.js";
import {
  BOT,
  commentPayload,
  DANA,
  EVE,
  FULL_NAME,
  named,
  pullRequest,
  pullRequestPayload,
  pushPayload,
  signedHeaders,
} from "../hosts/bitbucket-cloud/bitbucket-cloud-fixtures.js";
import { makeTarball } from "../hosts/shared/tarball-fixtures.js";
import { jsonOf } from "../support/e2e-fake-phases.js";
import { Call, type LoopPullRequest, pathMatch, type Role, SHA } from "../support/e2e-loop-host.js";
import { runLoop } from "../support/e2e-loop-scenario.js";
import type { Expectation, RecordedRequest } from "../support/strict-http-fake.js";

const EMAIL = "zakenak-bot@example.com";
const TOKEN = `ATATT3x${randomBytes(16).toString("hex")}`;
const BASIC = `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString("base64")}`;
const USERS = { writer: DANA, reader: EVE };
const PERMISSIONS: Record<Role, string> = { writer: "write", reader: "read" };
const API = "/2.0";
const REPO = `${API}/repositories/${FULL_NAME}`;

const secret = `bb-hook-${randomUUID()}`;

/** Intake expands the payload's 12-character head to the full sha before queueing. */
const commitLookup = (full: string, times = 1): Expectation => ({
  method: "GET",
  path: `${REPO}/commit/${full.slice(0, 12)}`,
  json: { type: "commit", hash: full },
  times,
});

// ---- the API calls the bot makes, answered as Bitbucket Cloud does --------------------------------

const prJson = (pr: LoopPullRequest) =>
  pullRequest({
    id: pr.number,
    head: pr.head,
    headRef: pr.headRef,
    base: pr.developTip,
    state: pr.mergeSha ? "MERGED" : "OPEN",
    ...(pr.mergeSha ? { mergeSha: pr.mergeSha } : {}),
  });

const branchJson = (name: string, hash: string) => ({
  type: "branch",
  name,
  target: { type: "commit", hash },
});

const developAt = (sha: string, times = 1): Expectation => ({
  method: "GET",
  path: `${REPO}/refs/branches/develop`,
  json: branchJson("develop", sha),
  times,
});

/** A comment's text with the hidden marker back in the bot's own words. */
const unhide = (raw: string) => raw.replace(/\[\/\/\]: # \(([^)\n]*)\)\n\n/g, "<!-- $1 -->\n");

function describeCall(r: RecordedRequest): string | undefined {
  const get = r.method === "GET";
  const [number] = pathMatch(r, new RegExp(`^${REPO}/pullrequests/(\\d+)$`));
  if (get && number) return Call.pullRequest(Number(number));
  const [branch] = pathMatch(r, new RegExp(`^${REPO}/refs/branches/(.+)$`));
  if (get && branch) return Call.tip(decodeURIComponent(branch));
  const [ref] = pathMatch(r, new RegExp(`^${REPO}/src/([^/]+)/\\.zakenak\\.yaml$`));
  if (get && ref) return Call.config(ref);
  const [archived] = pathMatch(r, new RegExp(`^/${FULL_NAME}/get/${SHA}\\.tar\\.gz$`));
  if (get && archived) return Call.archive(archived);
  if (r.method === "POST" && /\/statuses\/build$/.test(r.path)) return Call.status(String(jsonOf(r).state));
  const [a, b] = pathMatch(r, new RegExp(`^${REPO}/merge-base/${SHA}\\.\\.${SHA}$`));
  if (get && a && b) return Call.ancestry(a, b);
  const [commit] = pathMatch(r, new RegExp(`^${REPO}/commit/${SHA}/pullrequests$`));
  if (get && commit) return Call.pullsOf(commit);
  const [comments] = pathMatch(r, new RegExp(`^${REPO}/pullrequests/(\\d+)/comments$`));
  if (comments) return get ? Call.comments(Number(comments)) : Call.postComment(Number(comments));
  return undefined;
}

runLoop("Bitbucket Cloud", {
  prefix: "e2e-bbcloud",
  serveEnv: (fakeUrl) => ({
    BITBUCKET_CLOUD_API_URL: `${fakeUrl}${API}`,
    BITBUCKET_CLOUD_EMAIL: EMAIL,
    BITBUCKET_CLOUD_API_TOKEN: TOKEN,
    BITBUCKET_CLOUD_WEBHOOK_SECRET: secret,
  }),
  host: ({ fake, repo }) => ({
    users: { writer: named(DANA), reader: named(EVE) },
    states: { working: "INPROGRESS", succeeded: "SUCCESSFUL" },

    webhookPath: "/api/bitbucket-cloud/webhooks",
    // HMAC-SHA256 of the body in X-Hub-Signature.
    webhookHeaders: (eventKey, body) => signedHeaders(secret, eventKey, body, randomUUID()),
    openPullRequest(pr) {
      fake.expect(commitLookup(pr.head));
      return {
        event: "pullrequest:created",
        payload: pullRequestPayload({ id: pr.number, head: pr.head, headRef: pr.headRef }),
      };
    },
    push: (before, after) => ({
      event: "repo:push",
      payload: pushPayload([{ name: "develop", before, after }], DANA),
    }),
    comment: (number, id, role, body) => ({
      event: "pullrequest:comment_created",
      payload: commentPayload(number, id, USERS[role], body),
    }),

    firstContact: () => [
      { method: "GET", path: `${API}/user`, json: BOT },
      // Webhooks do not carry the main branch: asked once, then remembered for a while.
      {
        method: "GET",
        path: `${REPO}/`,
        query: { fields: "mainbranch.name" },
        json: { mainbranch: { name: "main" } },
      },
    ],
    getPull: (pr, times = 1) => [
      { method: "GET", path: `${REPO}/pullrequests/${pr.number}`, json: prJson(pr), times },
      commitLookup(pr.head, times),
      developAt(pr.developTip, times),
    ],
    configAt: (ref, times = 1) => ({
      method: "GET",
      path: `${REPO}/src/${ref}/.zakenak.yaml`,
      requestHeaders: { authorization: BASIC },
      raw: repo.config,
      headers: { "content-type": "text/plain" },
      times,
    }),
    archive: async (sha) => ({
      method: "GET",
      path: `/${FULL_NAME}/get/${sha}.tar.gz`,
      requestHeaders: { authorization: BASIC },
      raw: await makeTarball(`acme-deployments-${sha.slice(0, 12)}`, repo.files(sha)),
      headers: { "content-type": "application/x-tar" },
    }),
    setStatus: (sha, name, state) => ({
      method: "POST",
      path: `${REPO}/commit/${sha}/statuses/build`,
      body: { key: name, name, state, url: `https://bitbucket.org/${FULL_NAME}/commits/${sha}` },
      status: 201,
      json: { type: "build", key: name, name, state },
    }),
    developAt,
    // The merge base of a newer commit and an older one is the older one.
    notAncestor: (ancestor, descendant) => ({
      method: "GET",
      path: `${REPO}/merge-base/${ancestor}..${descendant}`,
      json: { type: "commit", hash: descendant },
    }),
    pullsForCommit: (pr) => ({
      method: "GET",
      path: `${REPO}/commit/${pr.mergeSha}/pullrequests`,
      json: { pagelen: 50, values: [prJson(pr)] },
    }),
    listComments: (number, bodies) => ({
      method: "GET",
      path: `${REPO}/pullrequests/${number}/comments`,
      json: {
        pagelen: 100,
        values: bodies.map((body, i) => ({
          id: i + 1,
          content: { raw: body.replace(/^<!--.*?-->/, (m) => `${hiddenMarker(m)}\n`) },
          user: BOT,
          deleted: false,
        })),
      },
    }),
    createComment: (number, id) => ({
      method: "POST",
      path: `${REPO}/pullrequests/${number}/comments`,
      status: 201,
      json: { id, content: { raw: "(the bot's comment)" }, user: BOT },
    }),
    permission: (role) => [
      {
        method: "GET",
        path: `${API}/workspaces/acme/permissions/repositories/deployments`,
        query: { q: `user.account_id="${USERS[role].account_id}"` },
        json: {
          values: [{ type: "repository_permission", permission: PERMISSIONS[role], user: USERS[role] }],
        },
      },
    ],

    isCommentPost: (number) => (r) =>
      r.method === "POST" && r.path === `${REPO}/pullrequests/${number}/comments`,
    isStatusOf: (sha) => (r) => r.method === "POST" && r.path === `${REPO}/commit/${sha}/statuses/build`,
    // Bitbucket Cloud keeps a comment's markdown in `content.raw`, its marker hidden as a link.
    commentOf: (r) => unhide(String((jsonOf(r).content as { raw?: string } | undefined)?.raw)),
    describe: describeCall,
    expectAuthenticated: (seen) => {
      for (const r of seen) expect(r.headers.authorization).toBe(BASIC);
    },
  }),
});
