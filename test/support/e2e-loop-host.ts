import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import type { LoopRepo } from "./e2e-loop-repo.js";
import type { RunningServe } from "./e2e-serve.js";
import type { Expectation, RecordedRequest, StrictHttpFake } from "./strict-http-fake.js";

/**
 * What a Git host brings to the loop of e2e-loop-scenario.ts: how `zakenak serve` is configured for
 * it, its webhooks, its answers to the bot's calls and how to read what the bot sent.
 */

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

/** What the scenario has started before it asks for the host: the host's fake, serve, the cluster. */
export interface LoopWorld {
  fake: StrictHttpFake;
  serve: RunningServe;
  client: ConnectedKubeClient;
  repo: LoopRepo;
}

/** A commit status the bot set, in the words the checks use whatever the host's JSON looks like. */
export interface LoopStatus {
  name: string;
  state: string;
  description: string;
}

/** A webhook as the host sends it: the event, as its headers name it, and the JSON payload. */
export interface Delivery {
  event: string;
  payload: unknown;
}

/** A host's side of the loop: its webhooks, and the API calls the bot makes, answered as that host does. */
export interface LoopHost {
  /** Logins of a user with write permission and one with read permission only. */
  users: Record<Role, string>;
  /**
   * A status's state while the bot works and once it succeeded: GitHub pending/success, GitLab
   * running/success, Bitbucket INPROGRESS/SUCCESSFUL.
   */
  states: { working: string; succeeded: string };

  // ---- webhooks, shaped and signed as the host sends them; the scenario posts them to serve
  /** serve's endpoint for the host's webhooks: `/api/github/webhooks`. */
  webhookPath: string;
  /** The headers of a delivery of `body`: its event, and the signature or credentials that vouch for it. */
  webhookHeaders(event: string, body: string): Record<string, string>;
  openPullRequest(pr: LoopPullRequest): Delivery;
  push(before: string, after: string): Delivery;
  comment(number: number, id: number, role: Role, body: string): Delivery;

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
  /** A status request read; by default from the JSON's `name`, `state` and `description`. */
  statusOf?(r: RecordedRequest): LoopStatus;
  /** A comment request's text; by default the JSON's `body`. */
  commentOf?(r: RecordedRequest): string;
  /** The call in the host-neutral words of `Call`; undefined for logins and permission lookups. */
  describe(r: RecordedRequest): string | undefined;
  /** Asserts the calls of a phase carried the bot's credentials. */
  expectAuthenticated(seen: RecordedRequest[]): void;
}

/** How a host joins the loop: the loop starts the fake first, serve with `serveEnv`, then asks for the host. */
export interface LoopSetup {
  /** The prefix of the namespace the loop deploys to. */
  prefix: string;
  /** The variables that point `zakenak serve` at the host's fake, at `fakeUrl`. */
  serveEnv(fakeUrl: string): Record<string, string>;
  host(world: LoopWorld): LoopHost;
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

/** A full commit sha, captured, for the patterns `describe` matches paths with. */
export const SHA = "([0-9a-f]{40})";

/** The captures of `pattern` in the request's path; none when it does not match. */
export const pathMatch = (r: RecordedRequest, pattern: RegExp): string[] =>
  pattern.exec(r.path)?.slice(1) ?? [];
