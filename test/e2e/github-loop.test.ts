import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { expect } from "vitest";
import {
  commitStatus,
  comparison,
  gitRef,
  issueComment,
  owner,
  pullRequest,
  repoName,
  user,
} from "../hosts/github/github-fixtures.js";
import { makeTarball } from "../hosts/shared/tarball-fixtures.js";
import { githubExample, githubPullRequestComment, type Payload } from "../server/github-examples.js";
import { jsonOf } from "../support/e2e-fake-phases.js";
import { Call, type LoopPullRequest, pathMatch, type Role, SHA } from "../support/e2e-loop-host.js";
import { runLoop } from "../support/e2e-loop-scenario.js";
import type { Expectation, RecordedRequest } from "../support/strict-http-fake.js";

const INSTALLATION = 42;
const API = "/api/v3";
const REPO = `${API}/repos/${owner}/${repoName}`;
const BOT = "zakenak[bot]";
const USERS: Record<Role, string> = { writer: "alice", reader: "bob" };
const LEVELS: Record<Role, string> = { writer: "write", reader: "read" };
const TOKEN = "ghs_InstallationToken0123456789abcdefAB";

const secret = randomBytes(16).toString("hex");

// ---- webhooks, signed and shaped as GitHub sends them -------------------------------------------

function withRepo(payload: Payload): Payload {
  payload.repository.name = repoName;
  payload.repository.full_name = `${owner}/${repoName}`;
  payload.repository.owner.login = owner;
  payload.repository.default_branch = "main";
  payload.installation = { id: INSTALLATION, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI=" };
  return payload;
}

function webhookHeaders(event: string, body: string): Record<string, string> {
  const signature = createHmac("sha256", secret).update(body).digest("hex");
  return {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/044aadd",
    "x-github-event": event,
    "x-github-delivery": randomUUID(),
    "x-github-hook-id": "292430182",
    "x-github-hook-installation-target-type": "integration",
    "x-github-hook-installation-target-id": "123",
    "x-hub-signature-256": `sha256=${signature}`,
  };
}

function pullRequestOpened(pr: LoopPullRequest): Payload {
  const p = withRepo(githubExample("pull_request", (e) => e.action === "opened" && e.installation));
  p.number = pr.number;
  p.pull_request.number = pr.number;
  p.pull_request.head.sha = pr.head;
  p.pull_request.head.ref = pr.headRef;
  p.pull_request.base.sha = pr.developTip;
  p.pull_request.base.ref = "develop";
  p.sender.login = USERS.writer;
  return p;
}

function pushed(before: string, after: string): Payload {
  const p = withRepo(githubExample("push", (e) => e.ref === "refs/heads/master" && e.installation));
  p.ref = "refs/heads/develop";
  p.before = before;
  p.after = after;
  p.deleted = false;
  p.head_commit.id = after;
  p.pusher.name = USERS.writer;
  p.sender.login = USERS.writer;
  return p;
}

function commented(number: number, id: number, login: string, body: string): Payload {
  const p = withRepo(githubPullRequestComment(body));
  p.issue.number = number;
  p.issue.pull_request.url = `https://api.github.com/repos/${owner}/${repoName}/pulls/${number}`;
  p.comment.id = id;
  p.comment.user.login = login;
  p.comment.user.type = "User";
  return p;
}

// ---- the API calls the bot makes, answered as GitHub does ---------------------------------------

const firstContact = (): Expectation[] => [
  {
    method: "POST",
    path: `${API}/app/installations/${INSTALLATION}/access_tokens`,
    requestHeaders: { authorization: /^bearer ey/i },
    status: 201,
    json: {
      token: TOKEN,
      expires_at: "2099-01-01T00:00:00Z",
      permissions: {},
      repository_selection: "all",
    },
  },
  {
    method: "GET",
    path: `${API}/app`,
    json: { id: 123, slug: "zakenak", name: "Zakenak", owner: user(owner), permissions: {}, events: [] },
  },
];

/** GitHub's calls in the scenario's words. */
function describeCall(r: RecordedRequest): string | undefined {
  const get = r.method === "GET";
  const [pull] = pathMatch(r, /\/pulls\/(\d+)$/);
  if (get && pull && r.path === `${REPO}/pulls/${pull}`) return Call.pullRequest(Number(pull));
  if (get && r.path.startsWith(`${REPO}/git/ref/heads%2F`))
    return Call.tip(decodeURIComponent(r.path.slice(`${REPO}/git/ref/heads%2F`.length)));
  if (get && r.path === `${REPO}/contents/.zakenak.yaml`) return Call.config(String(r.query.ref));
  const [tarball] = pathMatch(r, new RegExp(`^${REPO}/tarball/${SHA}$`));
  if (get && tarball) return Call.archive(tarball);
  if (r.method === "POST" && r.path.startsWith(`${REPO}/statuses/`))
    return Call.status(String(jsonOf(r).state));
  const [a, b] = pathMatch(r, new RegExp(`^${REPO}/compare/${SHA}\\.\\.\\.${SHA}$`));
  if (get && a && b) return Call.ancestry(a, b);
  const [pullsOf] = pathMatch(r, new RegExp(`^${REPO}/commits/${SHA}/pulls$`));
  if (get && pullsOf) return Call.pullsOf(pullsOf);
  const [issue] = pathMatch(r, new RegExp(`^${REPO}/issues/(\\d+)/comments$`));
  if (issue) return get ? Call.comments(Number(issue)) : Call.postComment(Number(issue));
  return undefined;
}

runLoop("GitHub", {
  prefix: "e2e-github",
  serveEnv: (fakeUrl) => {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const { host, protocol } = new URL(fakeUrl);
    return {
      APP_ID: "123",
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: secret,
      GHE_HOST: host,
      GHE_PROTOCOL: protocol.replace(":", ""),
    };
  },
  // GitHub Enterprise at the fake: the API's answers carry URLs of the fake's API.
  host: ({ fake, repo }) => {
    const api = `${fake.url}${API}`;

    function prJson(pr: LoopPullRequest) {
      const merged = pr.mergeSha !== undefined;
      // From a branch of the repository itself: head.repo is base.repo.
      const base = pullRequest(api, {
        number: pr.number,
        state: merged ? "closed" : "open",
        mergedAt: merged ? "2026-02-01T10:00:00Z" : null,
      });
      return {
        ...base,
        merge_commit_sha: pr.mergeSha ?? randomBytes(20).toString("hex"),
        head: { ...base.head, ref: pr.headRef, sha: pr.head, label: `${owner}:${pr.headRef}` },
        base: { ...base.base, ref: "develop", sha: pr.developTip, label: `${owner}:develop` },
      };
    }

    const developAt = (sha: string, times = 1): Expectation => ({
      method: "GET",
      path: `${REPO}/git/ref/heads%2Fdevelop`,
      json: gitRef(api, "develop", sha),
      times,
    });

    return {
      users: USERS,
      states: { working: "pending", succeeded: "success" },

      webhookPath: "/api/github/webhooks",
      webhookHeaders,
      openPullRequest: (pr) => ({ event: "pull_request", payload: pullRequestOpened(pr) }),
      push: (before, after) => ({ event: "push", payload: pushed(before, after) }),
      comment: (number, id, role, body) => ({
        event: "issue_comment",
        payload: commented(number, id, USERS[role], body),
      }),

      firstContact,
      getPull: (pr, times = 1) => [
        { method: "GET", path: `${REPO}/pulls/${pr.number}`, json: prJson(pr), times },
        developAt(pr.developTip, times),
      ],
      configAt: (ref, times = 1) => ({
        method: "GET",
        path: `${REPO}/contents/.zakenak.yaml`,
        query: { ref },
        requestHeaders: { accept: /raw/ },
        raw: repo.config,
        headers: { "content-type": "text/plain; charset=utf-8" },
        times,
      }),
      archive: async (sha) => ({
        method: "GET",
        path: `${REPO}/tarball/${sha}`,
        raw: await makeTarball(`${owner}-${repoName}-${sha.slice(0, 7)}`, repo.files(sha)),
        headers: { "content-type": "application/x-gzip" },
      }),
      setStatus: (sha, context, state) => ({
        method: "POST",
        path: `${REPO}/statuses/${sha}`,
        body: { context, state },
        status: 201,
        json: commitStatus(api, state, context, ""),
      }),
      developAt,
      // ancestor...descendant where the descendant is behind: the ancestor is the newer one.
      notAncestor: (ancestor, descendant) => ({
        method: "GET",
        path: `${REPO}/compare/${ancestor}...${descendant}`,
        json: comparison(api, "behind", 0, 1),
      }),
      pullsForCommit: (pr) => ({
        method: "GET",
        path: `${REPO}/commits/${pr.mergeSha}/pulls`,
        json: [prJson(pr)],
      }),
      listComments: (number, bodies) => ({
        method: "GET",
        path: `${REPO}/issues/${number}/comments`,
        json: bodies.map((body, i) => issueComment(api, i + 1, body, BOT)),
      }),
      createComment: (number, id) => ({
        method: "POST",
        path: `${REPO}/issues/${number}/comments`,
        status: 201,
        json: issueComment(api, id, "(the bot's comment)", BOT),
      }),
      permission: (role) => [
        {
          method: "GET",
          path: `${REPO}/collaborators/${USERS[role]}/permission`,
          json: { permission: LEVELS[role], role_name: LEVELS[role], user: user(USERS[role]) },
        },
      ],

      isCommentPost: (number) => (r) => r.method === "POST" && r.path === `${REPO}/issues/${number}/comments`,
      isStatusOf: (sha) => (r) => r.method === "POST" && r.path === `${REPO}/statuses/${sha}`,
      // A GitHub status is named by its context.
      statusOf: (r) => {
        const { context, state, description } = jsonOf(r);
        return { name: String(context), state: String(state), description: String(description) };
      },
      describe: describeCall,
      // Every call to the repository was made with the installation's token.
      expectAuthenticated: (seen) => {
        for (const r of seen.filter((r) => r.path.startsWith(REPO))) {
          expect(r.headers.authorization).toBe(`token ${TOKEN}`);
        }
      },
    };
  },
});
