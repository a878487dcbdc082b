import { createHmac } from "node:crypto";

/** Payloads and API answers shaped as Bitbucket Cloud documents them, written for these tests. */
// biome-ignore lint/suspicious/noExplicitAny: payloads are edited freely by the tests.
export type Payload = Record<string, any>;

export const WORKSPACE = "acme";
export const SLUG = "deployments";
export const FULL_NAME = `${WORKSPACE}/${SLUG}`;
export const REPO_UUID = "{0f6a3c1e-52d4-4c3b-9a1e-7d2b8c4f5e60}";

export interface Account {
  account_id: string;
  uuid: string;
  nickname: string;
  display_name: string;
  type: "user" | "app_user";
}

export function account(accountId: string, nickname: string, type: Account["type"] = "user"): Account {
  const hex = Buffer.from(nickname.padEnd(16, "0")).toString("hex").slice(0, 32);
  const uuid = `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32).padEnd(12, "0")}}`;
  return { account_id: accountId, uuid, nickname, display_name: nickname, type };
}

/** How the bot names an account: Bitbucket's mention form. */
export const named = (a: Account) => `{${a.account_id}}`;

export const BOT = account("712020:5e1b0c44-bot0-4d4f-9c1a-2f3e4d5c6b7a", "zakenak-bot");
export const DANA = account("557058:9a8b7c6d-1234-4e5f-8a9b-0c1d2e3f4a5b", "dana");
export const EVE = account("5b10ac8d82e05b22cc7d4ef5", "eve");

export function repository(fullName = FULL_NAME, uuid = REPO_UUID): Payload {
  const [, name] = fullName.split("/");
  return {
    type: "repository",
    full_name: fullName,
    name,
    uuid,
    links: { html: { href: `https://bitbucket.org/${fullName}` } },
    workspace: { type: "workspace", slug: fullName.split("/")[0] },
    scm: "git",
    is_private: true,
  };
}

export interface PullRequestShape {
  id: number;
  head: string;
  headRef: string;
  base?: string;
  baseRef?: string;
  state?: "OPEN" | "MERGED" | "DECLINED" | "SUPERSEDED";
  /** The source repository's full name, when a fork's. */
  from?: string;
  mergeSha?: string;
}

/** The pull request entity, in payloads and in the API: commit hashes of 12 characters. */
export function pullRequest(p: PullRequestShape): Payload {
  const from = p.from ?? FULL_NAME;
  return {
    type: "pullrequest",
    id: p.id,
    title: `Pull request ${p.id}`,
    state: p.state ?? "OPEN",
    author: DANA,
    source: {
      branch: { name: p.headRef },
      commit: { type: "commit", hash: p.head.slice(0, 12) },
      repository: repository(from, from === FULL_NAME ? REPO_UUID : "{11111111-2222-4333-8444-555555555555}"),
    },
    destination: {
      branch: { name: p.baseRef ?? "develop" },
      commit: { type: "commit", hash: (p.base ?? "b".repeat(40)).slice(0, 12) },
      repository: repository(),
    },
    merge_commit: p.mergeSha ? { type: "commit", hash: p.mergeSha.slice(0, 12) } : null,
    links: { html: { href: `https://bitbucket.org/${FULL_NAME}/pull-requests/${p.id}` } },
  };
}

export function pullRequestPayload(p: PullRequestShape, actor: Account = DANA): Payload {
  return { actor, repository: repository(), pullrequest: pullRequest(p) };
}

export function commentPayload(number: number, id: number, user: Account, raw: string): Payload {
  return {
    actor: user,
    repository: repository(),
    pullrequest: pullRequest({ id: number, head: "a".repeat(40), headRef: "feature" }),
    comment: {
      type: "pullrequest_comment",
      id,
      content: { raw, markup: "markdown", html: `<p>${raw}</p>` },
      user,
      deleted: false,
    },
  };
}

export interface RefChange {
  type?: "branch" | "tag" | "named_branch";
  name: string;
  before?: string;
  after?: string;
}

function refState(type: string, name: string, hash: string) {
  return { type, name, target: { type: "commit", hash } };
}

export function pushPayload(changes: RefChange[], actor: Account = DANA): Payload {
  return {
    actor,
    repository: repository(),
    push: {
      changes: changes.map((c) => ({
        old: c.before ? refState(c.type ?? "branch", c.name, c.before) : null,
        new: c.after ? refState(c.type ?? "branch", c.name, c.after) : null,
        created: !c.before,
        closed: !c.after,
        forced: false,
      })),
    },
  };
}

/** The request headers of a signed delivery. */
export function signedHeaders(secret: string, eventKey: string, body: string, uuid: string) {
  return {
    "content-type": "application/json",
    "user-agent": "Bitbucket-Webhooks/2.0",
    "x-event-key": eventKey,
    "x-request-uuid": uuid,
    "x-hook-uuid": "{6b5a4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d}",
    "x-attempt-number": "1",
    "x-hub-signature": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
  };
}

export const sha = (c: string) => c.repeat(40).slice(0, 40);
