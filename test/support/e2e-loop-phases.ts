import { expect } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { replyMarker } from "../../src/commands/command-reply.js";
import { PLAN_MARKER } from "../../src/commands/plan-comment.js";
import { jsonOf, phaseDone } from "./e2e-fake-phases.js";
import {
  Call,
  type Delivery,
  type LoopHost,
  type LoopPullRequest,
  type LoopStatus,
  type LoopWorld,
  type Role,
} from "./e2e-loop-host.js";
import type { LoopRepo } from "./e2e-loop-repo.js";
import { jobLog } from "./e2e-serve.js";
import type { RecordedRequest } from "./strict-http-fake.js";

/**
 * The phases of the loop against a strict fake: each expects exactly the calls its webhook leads to,
 * delivers the webhook, and checks the order of the calls, the statuses, the comment and the credentials.
 */

/** A host with the world it runs in, its reading hooks' defaults filled in. */
export interface Loop extends LoopWorld {
  host: LoopHost;
  statusOf(r: RecordedRequest): LoopStatus;
  commentOf(r: RecordedRequest): string;
}

export function loopOf(world: LoopWorld, host: LoopHost): Loop {
  const statusOf = (r: RecordedRequest): LoopStatus => {
    const body = jsonOf(r);
    return { name: String(body.name), state: String(body.state), description: String(body.description) };
  };
  return {
    ...world,
    host,
    statusOf: (r) => host.statusOf?.(r) ?? statusOf(r),
    commentOf: (r) => host.commentOf?.(r) ?? String(jsonOf(r).body),
  };
}

const DEFAULT_BRANCH = "main";
let nextCommentId = 9000;

function callsOf(host: LoopHost, seen: RecordedRequest[]): string[] {
  return seen.map((r) => host.describe(r)).filter((c): c is string => c !== undefined);
}

const log = (loop: Loop) => () => jobLog(loop.serve);

/** Posts a webhook to serve as the host would; serve accepts it with a 202. */
async function deliver(loop: Loop, { event, payload }: Delivery): Promise<void> {
  const body = JSON.stringify(payload);
  const headers = loop.host.webhookHeaders(event, body);
  const res = await fetch(`${loop.serve.url}${loop.host.webhookPath}`, { method: "POST", body, headers });
  const text = await res.text();
  expect(res.status, text).toBe(202);
}

/** A pull request webhook and everything its plan asks of the host; returns the plan comment. */
export async function planPhase(loop: Loop, pr: LoopPullRequest, first: boolean): Promise<string> {
  const { fake, repo, host } = loop;
  const { working, succeeded } = host.states;
  const from = fake.requests.length;
  const name = `zakenak/plan: ${repo.env}`;
  fake.expect(
    ...(first ? host.firstContact() : []),
    ...host.getPull(pr, 2),
    // The trusted policy: the default branch's, never the head's.
    host.configAt(DEFAULT_BRANCH),
    await host.archive(pr.head),
    await host.archive(pr.developTip),
    host.setStatus(pr.head, name, working),
    host.setStatus(pr.head, name, succeeded),
    host.listComments(pr.number, []),
    host.createComment(pr.number, nextCommentId++),
  );
  await deliver(loop, host.openPullRequest(pr));
  const seen = await phaseDone(fake, `the plan of #${pr.number}`, host.isCommentPost(pr.number), log(loop), {
    from,
  });
  expect(callsOf(host, seen)).toEqual([
    Call.pullRequest(pr.number),
    Call.tip("develop"),
    Call.config(DEFAULT_BRANCH),
    Call.archive(pr.head),
    Call.archive(pr.developTip),
    Call.status(working),
    Call.status(succeeded),
    // Right before the comment: the head is still this one.
    Call.pullRequest(pr.number),
    Call.tip("develop"),
    Call.comments(pr.number),
    Call.postComment(pr.number),
  ]);
  const statuses = seen.filter(host.isStatusOf(pr.head)).map(loop.statusOf);
  expect(statuses.map((s) => [s.name, s.state])).toEqual([
    [name, working],
    [name, succeeded],
  ]);
  const posts = seen.filter(host.isCommentPost(pr.number));
  expect(posts).toHaveLength(1);
  host.expectAuthenticated(seen);
  return loop.commentOf(posts[0] as RecordedRequest);
}

/** The push of a merge to develop and the apply it triggers; `deployed` is the sha deployed before. */
export async function applyPhase(
  loop: Loop,
  pr: LoopPullRequest & { mergeSha: string },
  before: string,
  deployed: string | undefined,
  revisions: number,
) {
  const { fake, repo, host } = loop;
  const { working, succeeded } = host.states;
  const from = fake.requests.length;
  const sha = pr.mergeSha;
  const name = `zakenak/apply: ${repo.env}`;
  fake.expect(
    host.configAt(DEFAULT_BRANCH, 2),
    host.configAt(sha),
    // develop points at the merge: the ref has not moved on, before the download nor under the lock.
    host.developAt(sha, 2),
    host.setStatus(sha, name, working),
    await host.archive(sha),
    ...(deployed ? [host.notAncestor(sha, deployed)] : []),
    host.setStatus(sha, name, succeeded),
    host.pullsForCommit(pr),
    host.listComments(pr.number, [`${PLAN_MARKER}\nplan`]),
    host.createComment(pr.number, nextCommentId++),
  );
  await deliver(loop, host.push(before, sha));
  const seen = await phaseDone(fake, `the apply of ${sha}`, host.isCommentPost(pr.number), log(loop), {
    from,
  });
  expect(callsOf(host, seen)).toEqual([
    // The push: environments from the default branch; the commit's own file only to explain a difference.
    Call.config(DEFAULT_BRANCH),
    Call.config(sha),
    // The apply job: the trusted policy again, and the ref still at the commit.
    Call.config(DEFAULT_BRANCH),
    Call.tip("develop"),
    Call.status(working),
    Call.archive(sha),
    // Under the lock: not older than what is deployed, and the ref still there.
    ...(deployed ? [Call.ancestry(sha, deployed)] : []),
    Call.tip("develop"),
    Call.status(succeeded),
    Call.pullsOf(sha),
    Call.comments(pr.number),
    Call.postComment(pr.number),
  ]);
  const statuses = seen.filter(host.isStatusOf(sha)).map(loop.statusOf);
  expect(statuses.map((s) => s.state)).toEqual([working, succeeded]);
  expect(String(statuses[1]?.description)).toContain(`revision ${revisions}`);
  host.expectAuthenticated(seen);
  const revs = await listRevisions(loop.client, repo.env);
  expect(revs).toHaveLength(revisions);
  expect(revs[0]).toMatchObject({ number: revisions, sha, trigger: "apply" });
}

/** A comment webhook; returns the reply the bot posted. */
export async function commandPhase(
  loop: Loop,
  pr: LoopPullRequest,
  role: Role,
  body: string,
): Promise<string> {
  const { fake, host } = loop;
  const from = fake.requests.length;
  const id = nextCommentId++;
  fake.expect(
    ...host.getPull(pr),
    host.configAt(DEFAULT_BRANCH),
    ...host.permission(role),
    host.listComments(pr.number, []),
    host.createComment(pr.number, nextCommentId++),
  );
  await deliver(loop, host.comment(pr.number, id, role, body));
  const what = `the reply to ${host.users[role]}'s ${body}`;
  const seen = await phaseDone(fake, what, host.isCommentPost(pr.number), log(loop), { from });
  host.expectAuthenticated(seen);
  const post = seen.find(host.isCommentPost(pr.number)) as RecordedRequest;
  const reply = loop.commentOf(post);
  expect(reply).toContain(replyMarker(String(id)));
  return reply;
}

/** The repository view with the real diff of the ConfigMap, and a cluster view (same-repository PRs get one). */
export function expectRealPlan(repo: LoopRepo, plan: string, from: string, to: string) {
  expect(plan.startsWith(PLAN_MARKER)).toBe(true);
  const [repository = "", cluster] = plan.split("### Cluster view");
  expect(repository).toContain(`ConfigMap ${repo.ns}/settings`);
  expect(repository).toMatch(new RegExp(`^\\s*-.*color: ${from}`, "m"));
  expect(repository).toMatch(new RegExp(`^\\s*\\+.*color: ${to}`, "m"));
  expect(cluster, plan).toBeDefined();
  expect(cluster).toContain(`ConfigMap ${repo.ns}/settings`);
  expect(cluster).toMatch(new RegExp(`^\\s*\\+.*color: ${to}`, "m"));
  expect(cluster).not.toMatch(/no cluster view|not reachable/);
}
