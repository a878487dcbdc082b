import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as azure from "../hosts/azure-devops/azure-devops-payloads.js";
import * as cloud from "../hosts/bitbucket-cloud/bitbucket-cloud-fixtures.js";
import * as server from "../hosts/bitbucket-server/bitbucket-server-fixtures.js";
import { githubExample, githubPullRequestComment } from "../server/github-examples.js";

/** A valid delivery of one host: the event name its header carries and the JSON body. */
export interface Seed {
  event: string;
  payload: unknown;
}

const fixtures = join(import.meta.dirname, "..", "fixtures");
const fixture = (host: string, name: string) =>
  JSON.parse(readFileSync(join(fixtures, host, `${name}.json`), "utf8")) as unknown;

const sha = (c: string) => c.repeat(40).slice(0, 40);

export const githubSeeds: Seed[] = [
  { event: "push", payload: githubExample("push", (p) => p.ref === "refs/heads/master") },
  { event: "push", payload: githubExample("push", (p) => p.deleted) },
  { event: "pull_request", payload: githubExample("pull_request", (p) => p.action === "opened") },
  { event: "pull_request", payload: githubExample("pull_request", (p) => p.action === "closed") },
  { event: "pull_request", payload: githubExample("pull_request", (p) => p.action === "synchronize") },
  { event: "issue_comment", payload: githubPullRequestComment("/rollback prod to 3") },
];

export const gitlabSeeds: Seed[] = [
  ["Push Hook", "push"],
  ["Push Hook", "push-delete-branch"],
  ["Tag Push Hook", "tag-push"],
  ["Tag Push Hook", "tag-delete"],
  ["Merge Request Hook", "merge-request-open"],
  ["Merge Request Hook", "merge-request-update"],
  ["Merge Request Hook", "merge-request-merge"],
  ["Merge Request Hook", "merge-request-close"],
  ["Note Hook", "note-merge-request"],
].map(([event, name]) => ({ event: event as string, payload: fixture("gitlab", name as string) }));

export const giteaSeeds: Seed[] = [
  ["push", "push"],
  ["push", "push-merge"],
  ["pull_request", "pull-request-opened"],
  ["pull_request", "pull-request-merged"],
  ["pull_request_comment", "issue-comment-pull-request"],
].map(([event, name]) => ({ event: event as string, payload: fixture("gitea", name as string) }));

export const bitbucketServerSeeds: Seed[] = [
  { event: "pr:opened", payload: server.pullRequestPayload("pr:opened") },
  { event: "pr:from_ref_updated", payload: server.pullRequestPayload("pr:from_ref_updated") },
  { event: "pr:merged", payload: server.pullRequestPayload("pr:merged", { state: "MERGED" }) },
  { event: "pr:comment:added", payload: server.commentPayload({ text: "/plan dev" }) },
  {
    event: "repo:refs_changed",
    payload: server.refsChangedPayload([
      { ref: "refs/heads/develop", from: sha("1"), to: sha("2") },
      { ref: "refs/tags/v1.0.0", to: sha("3"), type: "ADD" },
    ]),
  },
];

export const bitbucketCloudSeeds: Seed[] = [
  {
    event: "pullrequest:created",
    payload: cloud.pullRequestPayload({ id: 7, head: sha("a"), headRef: "feature", base: sha("b") }),
  },
  {
    event: "pullrequest:fulfilled",
    payload: cloud.pullRequestPayload({ id: 7, head: sha("a"), headRef: "feature", state: "MERGED" }),
  },
  { event: "pullrequest:comment_created", payload: cloud.commentPayload(7, 99, cloud.DANA, "/history dev") },
  {
    event: "repo:push",
    payload: cloud.pushPayload([
      { name: "develop", before: sha("c"), after: sha("d") },
      { type: "tag", name: "v2.0.0", after: sha("e") },
    ]),
  },
];

const world: azure.PayloadWorld = {
  elsewhere: "https://elsewhere.example",
  project: "Platform",
  projectId: "0c7a3c8e-2f4b-4d1a-9e6f-5b4a3c2d1e0f",
  repo: "deployments",
  repoId: "7d9e8f6a-1b2c-4d3e-8f9a-0b1c2d3e4f5a",
};
const pr: azure.PullRequestFacts = {
  number: 5,
  status: "active",
  head: sha("f"),
  headRef: "feature",
  author: "dana",
};

export const azureDevOpsSeeds: Seed[] = [
  { event: "git.pullrequest.created", payload: azure.pullRequestEvent(world, "created", pr) },
  {
    event: "git.pullrequest.updated",
    payload: azure.pullRequestEvent(world, "updated", { ...pr, status: "completed" }),
  },
  {
    event: "git.push",
    payload: azure.pushEvent(
      world,
      [{ name: "refs/heads/develop", oldObjectId: sha("1"), newObjectId: sha("2") }],
      "dana",
    ),
  },
  {
    event: "ms.vss-code.git-pullrequest-comment-event",
    payload: azure.commentEvent(world, pr, { id: 3, author: "dana", body: "/unlock prod" }),
  },
];
