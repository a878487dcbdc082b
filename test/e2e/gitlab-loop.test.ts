import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import {
  branch,
  commitStatus,
  gitLabUser,
  member,
  mergeBaseCommit,
  mergeRequest,
  note,
  pageHeaders,
} from "../hosts/gitlab/gitlab-fixtures.js";
import { makeTarball } from "../hosts/shared/tarball-fixtures.js";
import type { Payload } from "../server/github-examples.js";
import { jsonOf } from "../support/e2e-fake-phases.js";
import { Call, type LoopPullRequest, pathMatch, type Role, SHA } from "../support/e2e-loop-host.js";
import { runLoop } from "../support/e2e-loop-scenario.js";
import type { Expectation, RecordedRequest } from "../support/strict-http-fake.js";

const TOKEN = `glpat-${randomBytes(10).toString("hex")}`;
const BOT = { id: 99, username: "zakenak-bot" };
const USERS: Record<Role, { id: number; username: string }> = {
  writer: { id: 7, username: "dana" },
  reader: { id: 8, username: "eve" },
};
// Developer (30) is write; Guest (10) is read.
const ACCESS_LEVELS: Record<Role, number> = { writer: 30, reader: 10 };

function fixture(name: string): Payload {
  return JSON.parse(readFileSync(new URL(`../fixtures/gitlab/${name}.json`, import.meta.url), "utf8"));
}

// The project the published-shape fixtures describe: acme/platform/deployments, id 42.
const PROJECT_ID = fixture("push").project.id as number;
const PROJECT = `/api/v4/projects/${PROJECT_ID}`;

const secret = `gl-hook-${randomUUID()}`;

// ---- webhooks, as GitLab sends them: the secret itself in X-Gitlab-Token ------------------------

function webhookHeaders(instance: string, event: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "GitLab/17.9.0",
    "x-gitlab-event": event,
    "x-gitlab-token": secret,
    "x-gitlab-event-uuid": randomUUID(),
    "x-gitlab-instance": instance,
  };
}

function mergeRequestOpened(mr: LoopPullRequest): Payload {
  const p = fixture("merge-request-open");
  Object.assign(p.object_attributes, {
    iid: mr.number,
    action: "open",
    source_branch: mr.headRef,
    target_branch: "develop",
    // A branch of the project itself, not of a fork.
    source_project_id: PROJECT_ID,
    target_project_id: PROJECT_ID,
  });
  p.object_attributes.last_commit.id = mr.head;
  p.user = { ...p.user, id: USERS.writer.id, username: USERS.writer.username };
  return p;
}

function pushed(before: string, after: string): Payload {
  const p = fixture("push");
  Object.assign(p, {
    ref: "refs/heads/develop",
    before,
    after,
    checkout_sha: after,
    user_id: USERS.writer.id,
    user_username: USERS.writer.username,
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

function mrJson(mr: LoopPullRequest) {
  const base = mergeRequest({
    iid: mr.number,
    state: mr.mergeSha ? "merged" : "opened",
    mergeCommitSha: mr.mergeSha ?? null,
  });
  return {
    ...base,
    project_id: PROJECT_ID,
    // From a branch of the project itself: source and target are the same project.
    source_project_id: PROJECT_ID,
    target_project_id: PROJECT_ID,
    sha: mr.head,
    source_branch: mr.headRef,
    target_branch: "develop",
    diff_refs: { base_sha: mr.developTip, head_sha: mr.head, start_sha: mr.developTip },
  };
}

const developAt = (sha: string, times = 1): Expectation => ({
  method: "GET",
  path: `${PROJECT}/repository/branches/develop`,
  json: branch("develop", sha),
  times,
});

/** GitLab's calls in the scenario's words. */
function describeCall(r: RecordedRequest): string | undefined {
  const get = r.method === "GET";
  const [iid] = pathMatch(r, new RegExp(`^${PROJECT}/merge_requests/(\\d+)$`));
  if (get && iid) return Call.pullRequest(Number(iid));
  const [name] = pathMatch(r, new RegExp(`^${PROJECT}/repository/branches/(.+)$`));
  if (get && name) return Call.tip(decodeURIComponent(name));
  if (get && r.path === `${PROJECT}/repository/files/.zakenak.yaml/raw`)
    return Call.config(String(r.query.ref));
  if (get && r.path === `${PROJECT}/repository/archive.tar.gz`) return Call.archive(String(r.query.sha));
  if (r.method === "POST" && r.path.startsWith(`${PROJECT}/statuses/`))
    return Call.status(String(jsonOf(r).state));
  if (get && r.path === `${PROJECT}/repository/merge_base`) {
    // Only the query matters here: any base makes the request target a URL.
    const [a = "", b = ""] = new URL(r.url, "http://fake").searchParams.getAll("refs[]");
    return Call.ancestry(a, b);
  }
  const [commit] = pathMatch(r, new RegExp(`^${PROJECT}/repository/commits/${SHA}/merge_requests$`));
  if (get && commit) return Call.pullsOf(commit);
  const [notes] = pathMatch(r, new RegExp(`^${PROJECT}/merge_requests/(\\d+)/notes$`));
  if (notes) return get ? Call.comments(Number(notes)) : Call.postComment(Number(notes));
  return undefined;
}

runLoop("GitLab", {
  prefix: "e2e-gitlab",
  serveEnv: (fakeUrl) => ({ GITLAB_URL: fakeUrl, GITLAB_TOKEN: TOKEN, GITLAB_WEBHOOK_SECRET: secret }),
  host: ({ fake, repo }) => ({
    users: { writer: USERS.writer.username, reader: USERS.reader.username },
    states: { working: "running", succeeded: "success" },

    webhookPath: "/api/gitlab/webhooks",
    webhookHeaders: (event) => webhookHeaders(fake.url, event),
    openPullRequest: (mr) => ({ event: "Merge Request Hook", payload: mergeRequestOpened(mr) }),
    push: (before, after) => ({ event: "Push Hook", payload: pushed(before, after) }),
    comment: (iid, id, role, body) => ({ event: "Note Hook", payload: noted(iid, id, USERS[role], body) }),

    firstContact: () => [
      {
        method: "GET",
        path: "/api/v4/user",
        json: { ...gitLabUser(BOT.id, BOT.username), is_admin: false },
      },
    ],
    getPull: (mr, times = 1) => [
      { method: "GET", path: `${PROJECT}/merge_requests/${mr.number}`, json: mrJson(mr), times },
      developAt(mr.developTip, times),
    ],
    configAt: (ref, times = 1) => ({
      method: "GET",
      path: `${PROJECT}/repository/files/.zakenak.yaml/raw`,
      query: { ref },
      requestHeaders: { "private-token": TOKEN },
      raw: repo.config,
      headers: { "content-type": "text/plain; charset=utf-8" },
      times,
    }),
    archive: async (sha) => ({
      method: "GET",
      path: `${PROJECT}/repository/archive.tar.gz`,
      query: { sha },
      raw: await makeTarball(`deployments-${sha}-${sha}`, repo.files(sha)),
      headers: {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="deployments-${sha}.tar.gz"`,
      },
    }),
    setStatus: (sha, name, state) => ({
      method: "POST",
      path: `${PROJECT}/statuses/${sha}`,
      body: { name, state },
      status: 201,
      json: commitStatus(state, name, ""),
    }),
    developAt,
    // The merge base of a newer commit and an older one is the older one.
    // The fake keeps only the last of the repeated refs[]; describeCall reads both, in order, from the URL.
    notAncestor: (_ancestor, descendant) => ({
      method: "GET",
      path: `${PROJECT}/repository/merge_base`,
      query: { "refs[]": descendant },
      json: mergeBaseCommit(descendant),
    }),
    pullsForCommit: (mr) => ({
      method: "GET",
      path: `${PROJECT}/repository/commits/${mr.mergeSha}/merge_requests`,
      json: [mrJson(mr)],
    }),
    listComments: (iid, bodies) => {
      const path = `${PROJECT}/merge_requests/${iid}/notes`;
      const notes = bodies.map((body, i) => note(i + 1, body, BOT));
      return { method: "GET", path, headers: pageHeaders(fake.url, path, 1, 1), json: notes };
    },
    createComment: (iid, id) => ({
      method: "POST",
      path: `${PROJECT}/merge_requests/${iid}/notes`,
      status: 201,
      json: note(id, "(the bot's note)", BOT),
    }),
    permission: (role) => {
      const who = USERS[role];
      return [
        {
          method: "GET",
          path: "/api/v4/users",
          query: { username: who.username },
          json: [gitLabUser(who.id, who.username)],
        },
        {
          method: "GET",
          path: `${PROJECT}/members/all/${who.id}`,
          json: member(who.id, who.username, ACCESS_LEVELS[role]),
        },
      ];
    },

    isCommentPost: (iid) => (r) => r.method === "POST" && r.path === `${PROJECT}/merge_requests/${iid}/notes`,
    isStatusOf: (sha) => (r) => r.method === "POST" && r.path === `${PROJECT}/statuses/${sha}`,
    describe: describeCall,
    expectAuthenticated: (seen) => {
      for (const r of seen) expect(r.headers["private-token"]).toBe(TOKEN);
    },
  }),
});
