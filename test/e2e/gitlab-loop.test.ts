import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { replyMarker } from "../../src/commands/command-reply.js";
import { PLAN_MARKER } from "../../src/commands/plan-comment.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import {
  branch,
  commitStatus,
  gitLabUser,
  member,
  mergeRequest,
  note,
  pageHeaders,
} from "../hosts/gitlab/gitlab-fixtures.js";
import { makeTarball } from "../hosts/shared/tarball-fixtures.js";
import type { Payload } from "../server/github-examples.js";
import { connectShared, liveData, uniqueName, waitFor } from "../support/cluster-kit.js";
import { jsonOf, phaseDone } from "../support/e2e-fake-phases.js";
import { e2eManifests, e2eZakenakYaml, MANIFEST_PATH } from "../support/e2e-repo.js";
import { jobLog, type RunningServe, startServe } from "../support/e2e-serve.js";
import type { Expectation, RecordedRequest, StrictHttpFake } from "../support/strict-http-fake.js";
import { startStrictHttpFake } from "../support/strict-http-fake.js";

const LOOP_TIMEOUT = 180_000;
const TOKEN = `glpat-${randomBytes(10).toString("hex")}`;
const BOT = { id: 99, username: "zakenak-bot" };
const WRITER = { id: 7, username: "dana" };
const READER = { id: 8, username: "eve" };

function fixture(name: string): Payload {
  return JSON.parse(readFileSync(new URL(`../fixtures/gitlab/${name}.json`, import.meta.url), "utf8"));
}

// The project the published-shape fixtures describe: acme/platform/deployments, id 42.
const PROJECT_ID = fixture("push").project.id as number;
const PROJECT = `/api/v4/projects/${PROJECT_ID}`;

const env = uniqueName("dev");
const ns = uniqueName("e2e-gitlab");
const secret = `gl-hook-${randomUUID()}`;
const config = e2eZakenakYaml(env);

let fake: StrictHttpFake;
let serve: RunningServe;
let client: ConnectedKubeClient;
const commits = new Map<string, Record<string, string>>();

function commit(color: string): string {
  const sha = randomBytes(20).toString("hex");
  commits.set(sha, { ".zakenak.yaml": config, [MANIFEST_PATH]: e2eManifests(ns, color) });
  return sha;
}

beforeAll(async () => {
  [fake, client] = await Promise.all([startStrictHttpFake(), connectShared()]);
  serve = await startServe({ GITLAB_URL: fake.url, GITLAB_TOKEN: TOKEN, GITLAB_WEBHOOK_SECRET: secret });
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

// ---- webhooks, as GitLab sends them: the secret itself in X-Gitlab-Token ------------------------

async function deliver(event: string, payload: Payload): Promise<void> {
  const res = await fetch(`${serve.url}/api/gitlab/webhooks`, {
    method: "POST",
    body: JSON.stringify(payload),
    headers: {
      "content-type": "application/json",
      "user-agent": "GitLab/17.9.0",
      "x-gitlab-event": event,
      "x-gitlab-token": secret,
      "x-gitlab-event-uuid": randomUUID(),
      "x-gitlab-instance": fake.url,
    },
  });
  const text = await res.text();
  expect(res.status, text).toBe(202);
}

function mergeRequestOpened(iid: number, head: string, source: string): Payload {
  const p = fixture("merge-request-open");
  Object.assign(p.object_attributes, {
    iid,
    action: "open",
    source_branch: source,
    target_branch: "develop",
  });
  p.object_attributes.last_commit.id = head;
  p.user = { ...p.user, id: WRITER.id, username: WRITER.username };
  return p;
}

function pushed(before: string, after: string): Payload {
  const p = fixture("push");
  Object.assign(p, {
    ref: "refs/heads/develop",
    before,
    after,
    checkout_sha: after,
    user_id: WRITER.id,
    user_username: WRITER.username,
  });
  return p;
}

function noted(iid: number, id: number, who: { id: number; username: string }, body: string): Payload {
  const p = fixture("note-merge-request");
  Object.assign(p.object_attributes, { id, note: body, noteable_type: "MergeRequest", action: "create" });
  p.merge_request.iid = iid;
  p.user = { ...p.user, id: who.id, username: who.username };
  return p;
}

// ---- the API calls the bot makes, answered as GitLab does ---------------------------------------

interface MrState {
  iid: number;
  head: string;
  source: string;
  /** develop's tip now. */
  developTip: string;
  mergeSha?: string;
}

function mrJson(mr: MrState) {
  const base = mergeRequest({
    iid: mr.iid,
    state: mr.mergeSha ? "merged" : "opened",
    mergeCommitSha: mr.mergeSha ?? null,
  });
  return {
    ...base,
    project_id: PROJECT_ID,
    source_project_id: PROJECT_ID,
    target_project_id: PROJECT_ID,
    sha: mr.head,
    source_branch: mr.source,
    target_branch: "develop",
    diff_refs: { base_sha: mr.developTip, head_sha: mr.head, start_sha: mr.developTip },
  };
}

const getMr = (mr: MrState, times = 1): Expectation[] => [
  { method: "GET", path: `${PROJECT}/merge_requests/${mr.iid}`, json: mrJson(mr), times },
  {
    method: "GET",
    path: `${PROJECT}/repository/branches/develop`,
    json: branch("develop", mr.developTip),
    times,
  },
];

const configAt = (ref: string, times = 1): Expectation => ({
  method: "GET",
  path: `${PROJECT}/repository/files/.zakenak.yaml/raw`,
  query: { ref },
  requestHeaders: { "private-token": TOKEN },
  raw: config,
  headers: { "content-type": "text/plain; charset=utf-8" },
  times,
});

async function archive(sha: string): Promise<Expectation> {
  const files = commits.get(sha);
  if (!files) throw new Error(`no files for ${sha}`);
  return {
    method: "GET",
    path: `${PROJECT}/repository/archive.tar.gz`,
    query: { sha },
    raw: await makeTarball(`deployments-${sha}-${sha}`, files),
    headers: {
      "content-type": "application/octet-stream",
      "content-disposition": `attachment; filename="deployments-${sha}.tar.gz"`,
    },
  };
}

const setStatus = (sha: string, name: string, state: string): Expectation => ({
  method: "POST",
  path: `${PROJECT}/statuses/${sha}`,
  body: { name, state },
  status: 201,
  json: commitStatus(state, name, ""),
});

const listNotes = (iid: number, notes: unknown[]): Expectation => {
  const path = `${PROJECT}/merge_requests/${iid}/notes`;
  return { method: "GET", path, headers: pageHeaders(fake.url, path, 1, 1), json: notes };
};

const createNote = (iid: number, id: number): Expectation => ({
  method: "POST",
  path: `${PROJECT}/merge_requests/${iid}/notes`,
  status: 201,
  json: note(id, "(the bot's note)", BOT),
});

const permission = (who: { id: number; username: string }, accessLevel: number): Expectation[] => [
  {
    method: "GET",
    path: "/api/v4/users",
    query: { username: who.username },
    json: [gitLabUser(who.id, who.username)],
  },
  {
    method: "GET",
    path: `${PROJECT}/members/all/${who.id}`,
    json: member(who.id, who.username, accessLevel),
  },
];

const isNotePost = (iid: number) => (r: RecordedRequest) =>
  r.method === "POST" && r.path === `${PROJECT}/merge_requests/${iid}/notes`;

const log = () => jobLog(serve);
let nextNoteId = 9000;

/** A merge request webhook and everything its plan asks of GitLab; returns the plan note. */
async function planPhase(mr: MrState, first: boolean): Promise<string> {
  const from = fake.requests.length;
  const name = `zakenak/plan: ${env}`;
  fake.expect(
    ...(first
      ? [
          {
            method: "GET",
            path: "/api/v4/user",
            json: { ...gitLabUser(BOT.id, BOT.username), is_admin: false },
          },
        ]
      : []),
    ...getMr(mr, 2),
    configAt(mr.head),
    setStatus(mr.head, name, "running"),
    await archive(mr.developTip),
    await archive(mr.head),
    setStatus(mr.head, name, "success"),
    listNotes(mr.iid, []),
    createNote(mr.iid, nextNoteId++),
  );
  await deliver("Merge Request Hook", mergeRequestOpened(mr.iid, mr.head, mr.source));
  const seen = await phaseDone(fake, `the plan of !${mr.iid}`, isNotePost(mr.iid), log, { from });
  const statuses = seen.filter((r) => r.path === `${PROJECT}/statuses/${mr.head}`).map(jsonOf);
  expect(statuses.map((s) => [s.name, s.state])).toEqual([
    [name, "running"],
    [name, "success"],
  ]);
  const posts = seen.filter(isNotePost(mr.iid));
  expect(posts).toHaveLength(1);
  for (const r of seen) expect(r.headers["private-token"]).toBe(TOKEN);
  return String(jsonOf(posts[0] as RecordedRequest).body);
}

/** The push of a merge to develop and the apply it triggers. */
async function applyPhase(mr: MrState & { mergeSha: string }, before: string, revisions: number) {
  const from = fake.requests.length;
  const sha = mr.mergeSha;
  const name = `zakenak/apply: ${env}`;
  fake.expect(
    configAt(sha, 2),
    setStatus(sha, name, "running"),
    await archive(sha),
    setStatus(sha, name, "success"),
    { method: "GET", path: `${PROJECT}/repository/commits/${sha}/merge_requests`, json: [mrJson(mr)] },
    listNotes(mr.iid, [note(1, `${PLAN_MARKER}\nplan`, BOT)]),
    createNote(mr.iid, nextNoteId++),
  );
  await deliver("Push Hook", pushed(before, sha));
  const seen = await phaseDone(fake, `the apply of ${sha}`, isNotePost(mr.iid), log, { from });
  const statuses = seen.filter((r) => r.path === `${PROJECT}/statuses/${sha}`).map(jsonOf);
  expect(statuses.map((s) => s.state)).toEqual(["running", "success"]);
  expect(String(statuses[1]?.description)).toContain(`revision ${revisions}`);
  const revs = await listRevisions(client, env);
  expect(revs).toHaveLength(revisions);
  expect(revs[0]).toMatchObject({ number: revisions, sha, trigger: "apply" });
}

/** A note webhook; returns the reply the bot posted. */
async function commandPhase(
  mr: MrState,
  who: { id: number; username: string },
  accessLevel: number,
  body: string,
): Promise<string> {
  const from = fake.requests.length;
  const id = nextNoteId++;
  fake.expect(
    ...getMr(mr),
    configAt("main"),
    ...permission(who, accessLevel),
    listNotes(mr.iid, []),
    createNote(mr.iid, nextNoteId++),
  );
  await deliver("Note Hook", noted(mr.iid, id, who, body));
  const seen = await phaseDone(fake, `the reply to ${who.username}'s ${body}`, isNotePost(mr.iid), log, {
    from,
  });
  const reply = String(jsonOf(seen.find(isNotePost(mr.iid)) as RecordedRequest).body);
  expect(reply).toContain(replyMarker(String(id)));
  return reply;
}

function expectRealDiff(plan: string, from: string, to: string) {
  expect(plan.startsWith(PLAN_MARKER)).toBe(true);
  expect(plan).toContain(`ConfigMap ${ns}/settings`);
  expect(plan).toMatch(new RegExp(`^\\s*-.*color: ${from}`, "m"));
  expect(plan).toMatch(new RegExp(`^\\s*\\+.*color: ${to}`, "m"));
}

describe("the GitLab loop through zakenak serve", () => {
  it(
    "plans an MR, applies the merge, rolls back for a developer and refuses a guest",
    async () => {
      const d0 = commit("blue");
      const first: MrState = { iid: 1, head: commit("green"), source: "feature-green", developTip: d0 };
      expectRealDiff(await planPhase(first, true), "blue", "green");

      const m1 = randomBytes(20).toString("hex");
      commits.set(m1, commits.get(first.head) as Record<string, string>);
      await applyPhase({ ...first, mergeSha: m1 }, d0, 1);
      await waitFor("the ConfigMap", async () => (await liveData(client, ns, "settings"))?.color === "green");
      expect(await client.get({ apiVersion: "v1", kind: "Namespace", name: ns })).toBeDefined();

      const second: MrState = { iid: 2, head: commit("red"), source: "feature-red", developTip: m1 };
      expectRealDiff(await planPhase(second, false), "green", "red");
      const m2 = randomBytes(20).toString("hex");
      commits.set(m2, commits.get(second.head) as Record<string, string>);
      await applyPhase({ ...second, mergeSha: m2 }, m1, 2);
      expect(await liveData(client, ns, "settings")).toEqual({ color: "red" });
      const merged = { ...second, mergeSha: m2, developTip: m2 };

      // Developer (30) is write; Guest (10) is read.
      const reply = await commandPhase(merged, WRITER, 30, "/rollback");
      expect(reply).toContain(`Rolled \`${env}\` back to revision **1** (\`${m1.slice(0, 12)}\`)`);
      expect(reply).toContain("recorded as revision **3**");
      expect(await liveData(client, ns, "settings")).toEqual({ color: "green" });
      expect((await listRevisions(client, env))[0]).toMatchObject({
        number: 3,
        trigger: "rollback",
        rollbackOf: 1,
        actor: WRITER.username,
      });

      const refused = await commandPhase(merged, READER, 10, "/rollback");
      expect(refused).toContain(
        `@${READER.username}, \`/rollback\` needs **write** permission on this repository; you have **read**.`,
      );
      expect(await listRevisions(client, env)).toHaveLength(3);
      expect(await liveData(client, ns, "settings")).toEqual({ color: "green" });
    },
    LOOP_TIMEOUT,
  );
});
