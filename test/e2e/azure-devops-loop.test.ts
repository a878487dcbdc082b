import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect } from "vitest";
import {
  commentEvent,
  type PayloadWorld,
  pullRequestEvent,
  pushEvent,
} from "../hosts/azure-devops/azure-devops-payloads.js";
import { makeZip } from "../hosts/azure-devops/zip-fixtures.js";
import { jsonOf } from "../support/e2e-fake-phases.js";
import { Call, type LoopPullRequest, pathMatch, type Role, SHA } from "../support/e2e-loop-host.js";
import { runLoop } from "../support/e2e-loop-scenario.js";
import {
  type Expectation,
  type RecordedRequest,
  type StrictHttpFake,
  startStrictHttpFake,
} from "../support/strict-http-fake.js";

const TOKEN = randomBytes(26).toString("hex");
const BASIC = `Basic ${Buffer.from(`:${TOKEN}`).toString("base64")}`;
const HOOK = { user: "zakenak-hook", password: `hook-${randomUUID()}` };
const BOT = { id: randomUUID(), account: "zakenak-bot@acme.example" };
// The writer is a member of the writers' team; the reader is not.
const USERS: Record<Role, string> = { writer: "dana@acme.example", reader: "eve@acme.example" };
const TEAM = "Deployers";
// A project name with a space: it must be escaped in every path.
const PROJECT = "Platform Team";
const REPO = `/acme/Platform%20Team/_apis/git/repositories/deployments`;

/** Where every address in the payloads points: a forged payload must not send the token there. */
let elsewhere: StrictHttpFake | undefined;

// The file's hooks run around the loop's own: elsewhere is up before serve starts, checked after it stopped.
beforeAll(async () => {
  elsewhere = await startStrictHttpFake();
});

afterAll(async () => {
  expect(elsewhere?.requests ?? []).toEqual([]);
  await elsewhere?.close();
});

// ---- service hook deliveries: the event named in the payload, the subscription's Basic credentials ---

const webhookHeaders = (): Record<string, string> => ({
  "content-type": "application/json; charset=utf-8",
  authorization: `Basic ${Buffer.from(`${HOOK.user}:${HOOK.password}`).toString("base64")}`,
});

const delivery = (payload: { eventType: string }) => ({ event: payload.eventType, payload });

const facts = (pr: LoopPullRequest) => ({
  number: pr.number,
  status: pr.mergeSha ? ("completed" as const) : ("active" as const),
  head: pr.head,
  headRef: pr.headRef,
  author: USERS.writer,
});

// ---- the API's answers ---------------------------------------------------------------------------

const developAt = (sha: string, times = 1): Expectation => ({
  method: "GET",
  path: `${REPO}/refs`,
  query: { filter: "heads/develop", peelTags: "true" },
  // The filter is a prefix: a longer branch name comes back too.
  json: {
    value: [
      { name: "refs/heads/develop", objectId: sha },
      { name: "refs/heads/develop-old", objectId: "1".repeat(40) },
    ],
    count: 2,
  },
  times,
});

function pullJson(pr: LoopPullRequest) {
  return {
    pullRequestId: pr.number,
    status: pr.mergeSha ? "completed" : "active",
    sourceRefName: `refs/heads/${pr.headRef}`,
    targetRefName: "refs/heads/develop",
    lastMergeSourceCommit: { commitId: pr.head },
    lastMergeTargetCommit: { commitId: pr.developTip },
    ...(pr.mergeSha ? { lastMergeCommit: { commitId: pr.mergeSha } } : {}),
  };
}

const itemsOf = (ref: string) => ({
  "versionDescriptor.version": ref,
  "versionDescriptor.versionType": /^[0-9a-f]{40}$/.test(ref) ? "commit" : "branch",
});

function describeCall(r: RecordedRequest): string | undefined {
  const get = r.method === "GET";
  const [n] = pathMatch(r, new RegExp(`^${REPO}/pullrequests/(\\d+)$`));
  if (get && n) return Call.pullRequest(Number(n));
  if (get && r.path === `${REPO}/refs`) return Call.tip(String(r.query.filter).replace(/^heads\//, ""));
  if (get && r.path === `${REPO}/items`) {
    const ref = String(r.query["versionDescriptor.version"]);
    return r.query.$format === "zip" ? Call.archive(ref) : Call.config(ref);
  }
  const [sha] = pathMatch(r, new RegExp(`^${REPO}/commits/${SHA}/statuses$`));
  if (sha) return Call.status(String(jsonOf(r).state));
  const [base] = pathMatch(r, new RegExp(`^${REPO}/commits/${SHA}/mergebases$`));
  if (get && base) return Call.ancestry(base, String(r.query.otherCommitId));
  if (r.path === `${REPO}/pullrequestquery`) {
    const queries = jsonOf(r).queries as { items: string[] }[];
    return Call.pullsOf(String(queries[0]?.items[0]));
  }
  const [threads] = pathMatch(r, new RegExp(`^${REPO}/pullRequests/(\\d+)/threads$`));
  if (threads) return get ? Call.comments(Number(threads)) : Call.postComment(Number(threads));
  return undefined;
}

runLoop("Azure DevOps", {
  prefix: "e2e-azure",
  serveEnv: (fakeUrl) => ({
    AZURE_DEVOPS_URL: `${fakeUrl}/acme`,
    AZURE_DEVOPS_TOKEN: TOKEN,
    AZURE_DEVOPS_WEBHOOK_USER: HOOK.user,
    AZURE_DEVOPS_WEBHOOK_PASSWORD: HOOK.password,
    AZURE_DEVOPS_WRITERS_GROUP: TEAM,
  }),
  host: ({ repo }) => {
    if (!elsewhere) throw new Error("the elsewhere fake did not start");
    const world: PayloadWorld = {
      elsewhere: `${elsewhere.url}/acme`,
      project: PROJECT,
      projectId: randomUUID(),
      repo: "deployments",
      repoId: randomUUID(),
    };
    /** Heads of open pull requests: their statuses go on the pull request too. */
    const prHeads = new Set<string>();

    return {
      users: USERS,
      states: { working: "pending", succeeded: "succeeded" },

      webhookPath: "/api/azure-devops/webhooks",
      webhookHeaders,
      openPullRequest: (pr) => delivery(pullRequestEvent(world, "created", facts(pr))),
      push: (before, after) =>
        delivery(
          pushEvent(
            world,
            [{ name: "refs/heads/develop", oldObjectId: before, newObjectId: after }],
            USERS.writer,
          ),
        ),
      comment: (n, id, role, body) => {
        const pr = {
          number: n,
          status: "completed" as const,
          head: "f".repeat(40),
          headRef: "feature",
          author: USERS.writer,
        };
        return delivery(commentEvent(world, pr, { id, author: USERS[role], body }));
      },

      firstContact: () => [
        {
          method: "GET",
          path: "/acme/_apis/connectionData",
          json: {
            authenticatedUser: {
              id: BOT.id,
              providerDisplayName: "Zakenak",
              properties: { Account: { $type: "System.String", $value: BOT.account } },
            },
          },
        },
      ],
      getPull: (pr, times = 1) => {
        if (!pr.mergeSha) prHeads.add(pr.head);
        return [
          { method: "GET", path: `${REPO}/pullrequests/${pr.number}`, json: pullJson(pr), times },
          developAt(pr.developTip, times),
        ];
      },
      configAt: (ref, times = 1) => ({
        method: "GET",
        path: `${REPO}/items`,
        query: { path: "/.zakenak.yaml", ...itemsOf(ref), $format: "octetStream" },
        requestHeaders: { authorization: BASIC },
        raw: repo.config,
        headers: { "content-type": "application/octet-stream" },
        times,
      }),
      archive: async (sha) => ({
        method: "GET",
        path: `${REPO}/items`,
        query: { path: "/", ...itemsOf(sha), $format: "zip", download: "true" },
        raw: makeZip(repo.files(sha)),
        headers: { "content-type": "application/zip" },
      }),
      // A pull request's head gets its status twice: on the commit and on the pull request (branch policies).
      setStatus: (sha, name, state) => ({
        method: "POST",
        path: new RegExp(`^${REPO}/(commits/${sha}|pullRequests/\\d+)/statuses$`),
        body: { state, context: { name, genre: "zakenak" } },
        status: 201,
        json: { id: 1, state, context: { name, genre: "zakenak" } },
        times: prHeads.has(sha) ? 2 : 1,
      }),
      developAt,
      // The merge base of a newer commit and an older one is the older one.
      notAncestor: (ancestor, descendant) => ({
        method: "GET",
        path: `${REPO}/commits/${ancestor}/mergebases`,
        query: { otherCommitId: descendant },
        json: { value: [{ commitId: descendant }], count: 1 },
      }),
      pullsForCommit: (pr) => ({
        method: "POST",
        path: `${REPO}/pullrequestquery`,
        body: {
          queries: [
            { type: "lastMergeCommit", items: [pr.mergeSha] },
            { type: "commit", items: [pr.mergeSha] },
          ],
        },
        json: { queries: [], results: [{ [pr.mergeSha]: [pullJson(pr)] }, {}] },
      }),
      listComments: (n, bodies) => ({
        method: "GET",
        path: `${REPO}/pullRequests/${n}/threads`,
        json: {
          value: bodies.map((content, i) => ({
            id: i + 1,
            comments: [{ id: 1, content, author: { id: BOT.id, uniqueName: BOT.account } }],
          })),
          count: bodies.length,
        },
      }),
      createComment: (n, id) => ({
        method: "POST",
        path: `${REPO}/pullRequests/${n}/threads`,
        body: { comments: [{ parentCommentId: 0, commentType: 1 }], status: 1 },
        json: { id, comments: [{ id: 1, content: "(the bot's comment)" }] },
      }),
      permission: () => [
        {
          method: "GET",
          path: `/acme/_apis/projects/Platform%20Team/teams/${TEAM}/members`,
          query: { $top: "100", $skip: "0" },
          json: {
            value: [{ identity: { id: randomUUID(), uniqueName: USERS.writer }, isTeamAdmin: false }],
            count: 1,
          },
        },
      ],

      isCommentPost: (n) => (r) => r.method === "POST" && r.path === `${REPO}/pullRequests/${n}/threads`,
      isStatusOf: (sha) => (r) => r.method === "POST" && r.path === `${REPO}/commits/${sha}/statuses`,
      // A status is named in its context, which also carries the bot's genre.
      statusOf: (r) => {
        const body = jsonOf(r) as {
          state: string;
          description: string;
          context: { name: string; genre: string };
        };
        expect(body.context.genre).toBe("zakenak");
        return { name: body.context.name, state: body.state, description: body.description };
      },
      commentOf: (r) => {
        const body = jsonOf(r) as { content?: string; comments?: { content: string }[] };
        return body.comments?.[0]?.content ?? String(body.content);
      },
      describe: describeCall,
      expectAuthenticated: (seen) => {
        for (const r of seen) {
          expect(r.headers.authorization).toBe(BASIC);
          expect(r.query["api-version"]).toMatch(/^7\.1(-preview)?$/);
        }
      },
    };
  },
});
