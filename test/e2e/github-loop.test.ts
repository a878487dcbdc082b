import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { replyMarker } from "../../src/commands/command-reply.js";
import { PLAN_MARKER } from "../../src/commands/plan-comment.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import {
  commitStatus,
  gitRef,
  issueComment,
  owner,
  pullRequest,
  repoName,
  user,
} from "../hosts/github/github-fixtures.js";
import { makeTarball } from "../hosts/shared/tarball-fixtures.js";
import { githubExample, githubPullRequestComment, type Payload } from "../server/github-examples.js";
import { connectShared, liveData, uniqueName, waitFor } from "../support/cluster-kit.js";
import { jsonOf, phaseDone } from "../support/e2e-fake-phases.js";
import { e2eManifests, e2eZakenakYaml, MANIFEST_PATH } from "../support/e2e-repo.js";
import { jobLog, type RunningServe, startServe } from "../support/e2e-serve.js";
import type { Expectation, RecordedRequest, StrictHttpFake } from "../support/strict-http-fake.js";
import { startStrictHttpFake } from "../support/strict-http-fake.js";

const LOOP_TIMEOUT = 180_000;
const INSTALLATION = 42;
const API = "/api/v3";
const REPO = `${API}/repos/${owner}/${repoName}`;
const BOT = "zakenak[bot]";
const WRITER = "alice";
const READER = "bob";
const TOKEN = "ghs_InstallationToken0123456789abcdefAB";

const env = uniqueName("dev");
const ns = uniqueName("e2e-github");
const secret = randomBytes(16).toString("hex");
const config = e2eZakenakYaml(env);

let fake: StrictHttpFake;
let serve: RunningServe;
let client: ConnectedKubeClient;
/** The repository's files at each commit the fake knows. */
const commits = new Map<string, Record<string, string>>();

function commit(color: string): string {
  const sha = randomBytes(20).toString("hex");
  commits.set(sha, { ".zakenak.yaml": config, [MANIFEST_PATH]: e2eManifests(ns, color) });
  return sha;
}

beforeAll(async () => {
  [fake, client] = await Promise.all([startStrictHttpFake(), connectShared()]);
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const { host, protocol } = new URL(fake.url);
  serve = await startServe({
    APP_ID: "123",
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: secret,
    GHE_HOST: host,
    GHE_PROTOCOL: protocol.replace(":", ""),
  });
}, 120_000);

afterAll(async () => {
  const code = await serve?.stop();
  // Nothing arrived after the last phase, not even while serve shut down.
  const late = (() => {
    try {
      fake?.verify();
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  })();
  await fake?.close();
  expect(late).toBe("");
  client?.close();
  expect(code ?? 0).toBe(0);
});

// ---- webhooks, signed and shaped as GitHub sends them -------------------------------------------

function withRepo(payload: Payload): Payload {
  payload.repository.name = repoName;
  payload.repository.full_name = `${owner}/${repoName}`;
  payload.repository.owner.login = owner;
  payload.repository.default_branch = "main";
  payload.installation = { id: INSTALLATION, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI=" };
  return payload;
}

async function deliver(event: string, payload: Payload): Promise<void> {
  const body = JSON.stringify(payload);
  const signature = createHmac("sha256", secret).update(body).digest("hex");
  const res = await fetch(`${serve.url}/api/github/webhooks`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/044aadd",
      "x-github-event": event,
      "x-github-delivery": randomUUID(),
      "x-github-hook-id": "292430182",
      "x-github-hook-installation-target-type": "integration",
      "x-github-hook-installation-target-id": "123",
      "x-hub-signature-256": `sha256=${signature}`,
    },
  });
  const text = await res.text();
  expect(res.status, text).toBe(202);
}

function pullRequestOpened(number: number, head: string, headRef: string, base: string): Payload {
  const p = withRepo(githubExample("pull_request", (e) => e.action === "opened" && e.installation));
  p.number = number;
  p.pull_request.number = number;
  p.pull_request.head.sha = head;
  p.pull_request.head.ref = headRef;
  p.pull_request.base.sha = base;
  p.pull_request.base.ref = "develop";
  p.sender.login = WRITER;
  return p;
}

function pushed(before: string, after: string): Payload {
  const p = withRepo(githubExample("push", (e) => e.ref === "refs/heads/master" && e.installation));
  p.ref = "refs/heads/develop";
  p.before = before;
  p.after = after;
  p.deleted = false;
  p.head_commit.id = after;
  p.pusher.name = WRITER;
  p.sender.login = WRITER;
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

interface PrState {
  number: number;
  head: string;
  headRef: string;
  /** develop's tip now. */
  developTip: string;
  mergeSha?: string;
}

function prJson(pr: PrState) {
  const merged = pr.mergeSha !== undefined;
  const base = pullRequest(`${fake.url}${API}`, {
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

const getPull = (pr: PrState, times = 1): Expectation[] => [
  { method: "GET", path: `${REPO}/pulls/${pr.number}`, json: prJson(pr), times },
  {
    method: "GET",
    path: `${REPO}/git/ref/heads%2Fdevelop`,
    json: gitRef(`${fake.url}${API}`, "develop", pr.developTip),
    times,
  },
];

const configAt = (ref: string, times = 1): Expectation => ({
  method: "GET",
  path: `${REPO}/contents/.zakenak.yaml`,
  query: { ref },
  requestHeaders: { accept: /raw/ },
  raw: config,
  headers: { "content-type": "text/plain; charset=utf-8" },
  times,
});

async function tarball(sha: string): Promise<Expectation> {
  const files = commits.get(sha);
  if (!files) throw new Error(`no files for ${sha}`);
  return {
    method: "GET",
    path: `${REPO}/tarball/${sha}`,
    raw: await makeTarball(`${owner}-${repoName}-${sha.slice(0, 7)}`, files),
    headers: { "content-type": "application/x-gzip" },
  };
}

const setStatus = (sha: string, context: string, state: string): Expectation => ({
  method: "POST",
  path: `${REPO}/statuses/${sha}`,
  body: { context, state },
  status: 201,
  json: commitStatus(`${fake.url}${API}`, state, context, ""),
});

const listComments = (number: number, comments: unknown[]): Expectation => ({
  method: "GET",
  path: `${REPO}/issues/${number}/comments`,
  json: comments,
});

const createComment = (number: number, id: number): Expectation => ({
  method: "POST",
  path: `${REPO}/issues/${number}/comments`,
  status: 201,
  json: issueComment(`${fake.url}${API}`, id, "(the bot's comment)", BOT),
});

const permission = (login: string, level: string): Expectation => ({
  method: "GET",
  path: `${REPO}/collaborators/${login}/permission`,
  json: { permission: level, role_name: level, user: user(login) },
});

const isCommentPost = (number: number) => (r: RecordedRequest) =>
  r.method === "POST" && r.path === `${REPO}/issues/${number}/comments`;

const log = () => jobLog(serve);

let nextCommentId = 9000;

/** A PR webhook and everything its plan asks of GitHub; returns the plan comment the bot wrote. */
async function planPhase(pr: PrState, first: boolean): Promise<string> {
  const from = fake.requests.length;
  const commentId = nextCommentId++;
  fake.expect(
    ...(first
      ? [
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
            json: {
              id: 123,
              slug: "zakenak",
              name: "Zakenak",
              owner: user(owner),
              permissions: {},
              events: [],
            },
          },
        ]
      : []),
    ...getPull(pr, 2),
    configAt(pr.head),
    setStatus(pr.head, `zakenak/plan: ${env}`, "pending"),
    await tarball(pr.developTip),
    await tarball(pr.head),
    setStatus(pr.head, `zakenak/plan: ${env}`, "success"),
    listComments(pr.number, []),
    createComment(pr.number, commentId),
  );
  await deliver("pull_request", pullRequestOpened(pr.number, pr.head, pr.headRef, pr.developTip));
  const seen = await phaseDone(fake, `the plan of PR ${pr.number}`, isCommentPost(pr.number), log, { from });
  const statuses = seen.filter((r) => r.path === `${REPO}/statuses/${pr.head}`).map(jsonOf);
  expect(statuses.map((s) => [s.context, s.state])).toEqual([
    [`zakenak/plan: ${env}`, "pending"],
    [`zakenak/plan: ${env}`, "success"],
  ]);
  const posts = seen.filter(isCommentPost(pr.number));
  expect(posts).toHaveLength(1);
  // Every call was made with the installation's token.
  for (const r of seen.filter((r) => r.path.startsWith(REPO))) {
    expect(r.headers.authorization).toBe(`token ${TOKEN}`);
  }
  return String(jsonOf(posts[0] as RecordedRequest).body);
}

/** The push of a merge to develop and the apply it triggers. */
async function applyPhase(pr: PrState & { mergeSha: string }, planComment: string, revisions: number) {
  const from = fake.requests.length;
  const sha = pr.mergeSha;
  const context = `zakenak/apply: ${env}`;
  fake.expect(
    configAt(sha, 2),
    setStatus(sha, context, "pending"),
    await tarball(sha),
    setStatus(sha, context, "success"),
    { method: "GET", path: `${REPO}/commits/${sha}/pulls`, json: [prJson(pr)] },
    listComments(pr.number, [issueComment(`${fake.url}${API}`, 1, planComment, BOT)]),
    createComment(pr.number, nextCommentId++),
  );
  await deliver("push", pushed(pr.developTip, sha));
  const seen = await phaseDone(fake, `the apply of ${sha}`, isCommentPost(pr.number), log, { from });
  const statuses = seen.filter((r) => r.path === `${REPO}/statuses/${sha}`).map(jsonOf);
  expect(statuses.map((s) => s.state)).toEqual(["pending", "success"]);
  expect(String(statuses[1]?.description)).toContain(`revision ${revisions}`);
  const revs = await listRevisions(client, env);
  expect(revs).toHaveLength(revisions);
  expect(revs[0]).toMatchObject({ number: revisions, sha, trigger: "apply" });
}

/** A comment webhook; returns the reply the bot posted. */
async function commandPhase(pr: PrState, login: string, level: string, body: string): Promise<string> {
  const from = fake.requests.length;
  const id = nextCommentId++;
  fake.expect(
    ...getPull(pr),
    configAt("main"),
    permission(login, level),
    listComments(pr.number, []),
    createComment(pr.number, nextCommentId++),
  );
  await deliver("issue_comment", commented(pr.number, id, login, body));
  const seen = await phaseDone(fake, `the reply to ${login}'s ${body}`, isCommentPost(pr.number), log, {
    from,
  });
  const reply = String(jsonOf(seen.find(isCommentPost(pr.number)) as RecordedRequest).body);
  expect(reply).toContain(replyMarker(String(id)));
  return reply;
}

function expectRealDiff(plan: string, from: string, to: string) {
  expect(plan.startsWith(PLAN_MARKER)).toBe(true);
  expect(plan).toContain(`ConfigMap ${ns}/settings`);
  expect(plan).toMatch(new RegExp(`^\\s*-.*color: ${from}`, "m"));
  expect(plan).toMatch(new RegExp(`^\\s*\\+.*color: ${to}`, "m"));
}

describe("the GitHub loop through zakenak serve", () => {
  it(
    "plans a PR, applies the merge, rolls back for a writer and refuses a reader",
    async () => {
      const d0 = commit("blue");
      const first: PrState = { number: 1, head: commit("green"), headRef: "feature-green", developTip: d0 };
      expectRealDiff(await planPhase(first, true), "blue", "green");

      const m1 = randomBytes(20).toString("hex");
      commits.set(m1, commits.get(first.head) as Record<string, string>);
      await applyPhase({ ...first, mergeSha: m1 }, "plan", 1);
      await waitFor("the ConfigMap", async () => (await liveData(client, ns, "settings"))?.color === "green");
      expect(await client.get({ apiVersion: "v1", kind: "Namespace", name: ns })).toBeDefined();

      const second: PrState = { number: 2, head: commit("red"), headRef: "feature-red", developTip: m1 };
      expectRealDiff(await planPhase(second, false), "green", "red");
      const m2 = randomBytes(20).toString("hex");
      commits.set(m2, commits.get(second.head) as Record<string, string>);
      const merged = { ...second, mergeSha: m2, developTip: m2 };
      await applyPhase({ ...merged, developTip: m1 }, "plan", 2);
      expect(await liveData(client, ns, "settings")).toEqual({ color: "red" });

      const reply = await commandPhase(merged, WRITER, "write", "/rollback");
      expect(reply).toContain(`Rolled \`${env}\` back to revision **1** (\`${m1.slice(0, 12)}\`)`);
      expect(reply).toContain("recorded as revision **3**");
      expect(await liveData(client, ns, "settings")).toEqual({ color: "green" });
      expect((await listRevisions(client, env))[0]).toMatchObject({
        number: 3,
        trigger: "rollback",
        rollbackOf: 1,
        actor: WRITER,
      });

      const refused = await commandPhase(merged, READER, "read", "/rollback");
      expect(refused).toContain(
        `@${READER}, \`/rollback\` needs **write** permission on this repository; you have **read**.`,
      );
      expect(await listRevisions(client, env)).toHaveLength(3);
      expect(await liveData(client, ns, "settings")).toEqual({ color: "green" });
    },
    LOOP_TIMEOUT,
  );
});
