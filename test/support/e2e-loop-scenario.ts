import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { replyMarker } from "../../src/commands/command-reply.js";
import { PLAN_MARKER } from "../../src/commands/plan-comment.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { liveData, uniqueName, waitFor } from "./cluster-kit.js";
import { jsonOf, phaseDone } from "./e2e-fake-phases.js";
import { e2eManifests, e2eZakenakYaml, MANIFEST_PATH } from "./e2e-repo.js";
import { jobLog, type RunningServe } from "./e2e-serve.js";
import type { Expectation, RecordedRequest, StrictHttpFake } from "./strict-http-fake.js";

/**
 * One loop through `zakenak serve` against a strict fake of a Git host: plan a pull request, apply its
 * merge, plan and apply a second one, roll back for a writer and refuse a reader. The scenario is the
 * same for every host; a `LoopHost` supplies the host's webhooks and its answers to the bot's calls.
 */

/** The repository the loop deploys: one environment on `develop`, its files at every commit the fake knows. */
export interface LoopRepo {
  env: string;
  ns: string;
  /** `.zakenak.yaml`, the same on the default branch and at every commit. */
  config: string;
  /** A new commit whose ConfigMap has `color`. */
  commit(color: string): string;
  /** A merge commit with the files of `head`. */
  merge(head: string): string;
  files(sha: string): Record<string, string>;
}

export function loopRepo(prefix: string): LoopRepo {
  const env = uniqueName("dev");
  const ns = uniqueName(prefix);
  const config = e2eZakenakYaml(env);
  const commits = new Map<string, Record<string, string>>();
  const add = (files: Record<string, string>) => {
    const sha = randomBytes(20).toString("hex");
    commits.set(sha, files);
    return sha;
  };
  const files = (sha: string) => {
    const found = commits.get(sha);
    if (!found) throw new Error(`no files for ${sha}`);
    return found;
  };
  return {
    env,
    ns,
    config,
    commit: (color) => add({ ".zakenak.yaml": config, [MANIFEST_PATH]: e2eManifests(ns, color) }),
    merge: (head) => add(files(head)),
    files,
  };
}

/** A pull request (merge request) from a branch of the repository itself into `develop`. */
export interface LoopPullRequest {
  number: number;
  head: string;
  headRef: string;
  /** develop's tip now. */
  developTip: string;
  /** Set once merged. */
  mergeSha?: string;
}

export type Role = "writer" | "reader";

/** A host's side of the loop: its webhooks, and the API calls the bot makes, answered as that host does. */
export interface LoopHost {
  fake: StrictHttpFake;
  serve: RunningServe;
  client: ConnectedKubeClient;
  repo: LoopRepo;
  /** The state of a status while the bot works: GitHub "pending", GitLab "running". */
  workingState: string;
  /** The state of a status once the work succeeded: "success" unless given (Bitbucket "SUCCESSFUL"). */
  successState?: string;
  /** The field of a status request that names it: GitHub "context", GitLab "name". */
  statusName: string;
  /** The field of a comment request that holds its text: "body" unless given (Bitbucket Server "text"). */
  commentField?: string;
  /** The text of a comment request, where a field name does not say it (Bitbucket Cloud: `content.raw`). */
  commentText?(r: RecordedRequest): string;
  /** A status request's fields as the checks read them, where they are nested (Azure DevOps: `context.name`). */
  statusBody?(r: RecordedRequest): Record<string, unknown>;
  /** Logins of a user with write permission and one with read permission only. */
  users: Record<Role, string>;

  // ---- webhooks, signed and shaped as the host sends them
  openPullRequest(pr: LoopPullRequest): Promise<void>;
  push(before: string, after: string): Promise<void>;
  comment(number: number, id: number, role: Role, body: string): Promise<void>;

  // ---- the host's answers
  /** The calls the bot makes once, the first time it talks to the host (token, its own login). */
  firstContact(): Expectation[];
  /** The pull request and where its base branch stands now. */
  getPull(pr: LoopPullRequest, times?: number): Expectation[];
  configAt(ref: string, times?: number): Expectation;
  archive(sha: string): Promise<Expectation>;
  setStatus(sha: string, name: string, state: string): Expectation;
  /** Where `develop` points now. */
  developAt(sha: string, times?: number): Expectation;
  /** `ancestor` is not an ancestor of `descendant` (it is newer). */
  notAncestor(ancestor: string, descendant: string): Expectation;
  /** The merged pull request the commit belongs to. */
  pullsForCommit(pr: LoopPullRequest & { mergeSha: string }): Expectation;
  /** The comments on the pull request: the bot's, with these bodies. */
  listComments(number: number, botBodies: string[]): Expectation;
  createComment(number: number, id: number): Expectation;
  permission(role: Role): Expectation[];

  // ---- reading what the bot sent
  isCommentPost(number: number): (r: RecordedRequest) => boolean;
  isStatusOf(sha: string): (r: RecordedRequest) => boolean;
  /** The call in the host-neutral words of `Call`; undefined for logins and permission lookups. */
  describe(r: RecordedRequest): string | undefined;
  /** Asserts the calls of a phase carried the bot's credentials. */
  expectAuthenticated(seen: RecordedRequest[]): void;
}

/** The words `LoopHost.describe` uses, so that the order of calls reads the same for every host. */
export const Call = {
  pullRequest: (n: number) => `pull request ${n}`,
  tip: (branch: string) => `tip of ${branch}`,
  config: (ref: string) => `.zakenak.yaml at ${ref}`,
  archive: (sha: string) => `archive of ${sha}`,
  status: (state: string) => `status ${state}`,
  ancestry: (ancestor: string, descendant: string) => `is ${ancestor} an ancestor of ${descendant}`,
  pullsOf: (sha: string) => `pull requests of ${sha}`,
  comments: (n: number) => `comments of ${n}`,
  postComment: (n: number) => `comment on ${n}`,
};

const DEFAULT_BRANCH = "main";
const succeeded = (host: LoopHost) => host.successState ?? "success";
const commentTextOf = (host: LoopHost, r: RecordedRequest) =>
  host.commentText?.(r) ?? String(jsonOf(r)[host.commentField ?? "body"]);
const statusBodyOf = (host: LoopHost) => (r: RecordedRequest) => host.statusBody?.(r) ?? jsonOf(r);
let nextCommentId = 9000;

function callsOf(host: LoopHost, seen: RecordedRequest[]): string[] {
  return seen.map((r) => host.describe(r)).filter((c): c is string => c !== undefined);
}

/** A pull request webhook and everything its plan asks of the host; returns the plan comment. */
async function planPhase(host: LoopHost, pr: LoopPullRequest, first: boolean): Promise<string> {
  const { fake, repo } = host;
  const from = fake.requests.length;
  const name = `zakenak/plan: ${repo.env}`;
  fake.expect(
    ...(first ? host.firstContact() : []),
    ...host.getPull(pr, 2),
    // The trusted policy: the default branch's, never the head's.
    host.configAt(DEFAULT_BRANCH),
    await host.archive(pr.head),
    await host.archive(pr.developTip),
    host.setStatus(pr.head, name, host.workingState),
    host.setStatus(pr.head, name, succeeded(host)),
    host.listComments(pr.number, []),
    host.createComment(pr.number, nextCommentId++),
  );
  await host.openPullRequest(pr);
  const seen = await phaseDone(fake, `the plan of #${pr.number}`, host.isCommentPost(pr.number), log(host), {
    from,
  });
  expect(callsOf(host, seen)).toEqual([
    Call.pullRequest(pr.number),
    Call.tip("develop"),
    Call.config(DEFAULT_BRANCH),
    Call.archive(pr.head),
    Call.archive(pr.developTip),
    Call.status(host.workingState),
    Call.status(succeeded(host)),
    // Right before the comment: the head is still this one.
    Call.pullRequest(pr.number),
    Call.tip("develop"),
    Call.comments(pr.number),
    Call.postComment(pr.number),
  ]);
  const statuses = seen.filter(host.isStatusOf(pr.head)).map(statusBodyOf(host));
  expect(statuses.map((s) => [s[host.statusName], s.state])).toEqual([
    [name, host.workingState],
    [name, succeeded(host)],
  ]);
  const posts = seen.filter(host.isCommentPost(pr.number));
  expect(posts).toHaveLength(1);
  host.expectAuthenticated(seen);
  return commentTextOf(host, posts[0] as RecordedRequest);
}

/** The push of a merge to develop and the apply it triggers; `deployed` is the sha deployed before. */
async function applyPhase(
  host: LoopHost,
  pr: LoopPullRequest & { mergeSha: string },
  before: string,
  deployed: string | undefined,
  revisions: number,
) {
  const { fake, repo } = host;
  const from = fake.requests.length;
  const sha = pr.mergeSha;
  const name = `zakenak/apply: ${repo.env}`;
  fake.expect(
    host.configAt(DEFAULT_BRANCH, 2),
    host.configAt(sha),
    // develop points at the merge: the ref has not moved on, before the download nor under the lock.
    host.developAt(sha, 2),
    host.setStatus(sha, name, host.workingState),
    await host.archive(sha),
    ...(deployed ? [host.notAncestor(sha, deployed)] : []),
    host.setStatus(sha, name, succeeded(host)),
    host.pullsForCommit(pr),
    host.listComments(pr.number, [`${PLAN_MARKER}\nplan`]),
    host.createComment(pr.number, nextCommentId++),
  );
  await host.push(before, sha);
  const seen = await phaseDone(fake, `the apply of ${sha}`, host.isCommentPost(pr.number), log(host), {
    from,
  });
  expect(callsOf(host, seen)).toEqual([
    // The push: environments from the default branch; the commit's own file only to explain a difference.
    Call.config(DEFAULT_BRANCH),
    Call.config(sha),
    // The apply job: the trusted policy again, and the ref still at the commit.
    Call.config(DEFAULT_BRANCH),
    Call.tip("develop"),
    Call.status(host.workingState),
    Call.archive(sha),
    // Under the lock: not older than what is deployed, and the ref still there.
    ...(deployed ? [Call.ancestry(sha, deployed)] : []),
    Call.tip("develop"),
    Call.status(succeeded(host)),
    Call.pullsOf(sha),
    Call.comments(pr.number),
    Call.postComment(pr.number),
  ]);
  const statuses = seen.filter(host.isStatusOf(sha)).map(statusBodyOf(host));
  expect(statuses.map((s) => s.state)).toEqual([host.workingState, succeeded(host)]);
  expect(String(statuses[1]?.description)).toContain(`revision ${revisions}`);
  host.expectAuthenticated(seen);
  const revs = await listRevisions(host.client, repo.env);
  expect(revs).toHaveLength(revisions);
  expect(revs[0]).toMatchObject({ number: revisions, sha, trigger: "apply" });
}

/** A comment webhook; returns the reply the bot posted. */
async function commandPhase(host: LoopHost, pr: LoopPullRequest, role: Role, body: string): Promise<string> {
  const { fake } = host;
  const from = fake.requests.length;
  const id = nextCommentId++;
  fake.expect(
    ...host.getPull(pr),
    host.configAt(DEFAULT_BRANCH),
    ...host.permission(role),
    host.listComments(pr.number, []),
    host.createComment(pr.number, nextCommentId++),
  );
  await host.comment(pr.number, id, role, body);
  const what = `the reply to ${host.users[role]}'s ${body}`;
  const seen = await phaseDone(fake, what, host.isCommentPost(pr.number), log(host), { from });
  host.expectAuthenticated(seen);
  const post = seen.find(host.isCommentPost(pr.number)) as RecordedRequest;
  const reply = commentTextOf(host, post);
  expect(reply).toContain(replyMarker(String(id)));
  return reply;
}

const log = (host: LoopHost) => () => jobLog(host.serve);

/** The repository view with the real diff of the ConfigMap, and a cluster view (same-repository PRs get one). */
function expectRealPlan(repo: LoopRepo, plan: string, from: string, to: string) {
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

/** The loop itself: plan, apply, plan, apply, /rollback by a writer, /rollback refused to a reader. */
export async function runLoop(host: LoopHost): Promise<void> {
  const { repo, client } = host;
  const { env, ns } = repo;
  const d0 = repo.commit("blue");
  const first: LoopPullRequest = {
    number: 1,
    head: repo.commit("green"),
    headRef: "feature-green",
    developTip: d0,
  };
  expectRealPlan(repo, await planPhase(host, first, true), "blue", "green");

  const m1 = repo.merge(first.head);
  await applyPhase(host, { ...first, mergeSha: m1 }, d0, undefined, 1);
  await waitFor("the ConfigMap", async () => (await liveData(client, ns, "settings"))?.color === "green");
  expect(await client.get({ apiVersion: "v1", kind: "Namespace", name: ns })).toBeDefined();

  const second: LoopPullRequest = {
    number: 2,
    head: repo.commit("red"),
    headRef: "feature-red",
    developTip: m1,
  };
  expectRealPlan(repo, await planPhase(host, second, false), "green", "red");
  const m2 = repo.merge(second.head);
  await applyPhase(host, { ...second, mergeSha: m2 }, m1, m1, 2);
  expect(await liveData(client, ns, "settings")).toEqual({ color: "red" });
  const merged = { ...second, mergeSha: m2, developTip: m2 };

  const reply = await commandPhase(host, merged, "writer", "/rollback");
  expect(reply).toContain(`Rolled \`${env}\` back to revision **1** (\`${m1.slice(0, 12)}\`)`);
  expect(reply).toContain("recorded as revision **3**");
  expect(await liveData(client, ns, "settings")).toEqual({ color: "green" });
  expect((await listRevisions(client, env))[0]).toMatchObject({
    number: 3,
    trigger: "rollback",
    rollbackOf: 1,
    actor: host.users.writer,
  });

  const refused = await commandPhase(host, merged, "reader", "/rollback");
  expect(refused).toContain(
    `@${host.users.reader}, \`/rollback\` needs **write** permission on this repository; you have **read**.`,
  );
  expect(await listRevisions(client, env)).toHaveLength(3);
  expect(await liveData(client, ns, "settings")).toEqual({ color: "green" });
}

/** Stops serve, then checks nothing reached the fake after the last phase, not even while serve shut down. */
export async function stopLoop(
  serve: RunningServe | undefined,
  fake: StrictHttpFake | undefined,
  client: ConnectedKubeClient | undefined,
): Promise<void> {
  const code = await serve?.stop();
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
}
