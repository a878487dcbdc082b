import { randomUUID } from "node:crypto";

/**
 * Service hook payloads shaped as Azure DevOps documents them, built from the field paths the bot reads.
 * Every address in them (`url`, `remoteUrl`, `_links`, `resourceContainers.*.baseUrl`) points at `elsewhere`:
 * the bot must never use one.
 */
export interface PayloadWorld {
  elsewhere: string;
  project: string;
  projectId: string;
  repo: string;
  repoId: string;
}

export function repositoryJson(w: PayloadWorld) {
  return {
    id: w.repoId,
    name: w.repo,
    url: `${w.elsewhere}/_apis/git/repositories/${w.repoId}`,
    project: { id: w.projectId, name: w.project, url: `${w.elsewhere}/_apis/projects/${w.projectId}` },
    defaultBranch: "refs/heads/main",
    remoteUrl: `${w.elsewhere}/acme/_git/${w.repo}`,
  };
}

function envelope(w: PayloadWorld, eventType: string, resourceVersion: string, resource: unknown) {
  return {
    subscriptionId: randomUUID(),
    notificationId: 7,
    id: randomUUID(),
    eventType,
    publisherId: "tfs",
    message: { text: `${eventType} happened` },
    resource,
    resourceVersion,
    resourceContainers: {
      collection: { id: randomUUID(), baseUrl: `${w.elsewhere}/` },
      account: { id: randomUUID(), baseUrl: `${w.elsewhere}/` },
      project: { id: w.projectId, baseUrl: `${w.elsewhere}/` },
    },
    createdDate: "2025-05-01T10:00:00Z",
  };
}

export interface PullRequestFacts {
  number: number;
  status: "active" | "completed" | "abandoned";
  head: string;
  headRef: string;
  base?: string;
  author: string;
}

export function pullRequestResource(w: PayloadWorld, pr: PullRequestFacts) {
  return {
    repository: repositoryJson(w),
    pullRequestId: pr.number,
    status: pr.status,
    createdBy: { id: randomUUID(), displayName: pr.author, uniqueName: pr.author },
    title: "A change",
    sourceRefName: `refs/heads/${pr.headRef}`,
    targetRefName: `refs/heads/${pr.base ?? "develop"}`,
    lastMergeSourceCommit: { commitId: pr.head, url: `${w.elsewhere}/commits/${pr.head}` },
    url: `${w.elsewhere}/_apis/git/repositories/${w.repoId}/pullRequests/${pr.number}`,
  };
}

export function pullRequestEvent(w: PayloadWorld, type: "created" | "updated", pr: PullRequestFacts) {
  return envelope(w, `git.pullrequest.${type}`, "1.0", pullRequestResource(w, pr));
}

export function pushEvent(
  w: PayloadWorld,
  updates: { name: string; oldObjectId: string; newObjectId: string }[],
  pusher: string,
) {
  return envelope(w, "git.push", "1.0", {
    refUpdates: updates,
    repository: repositoryJson(w),
    pushedBy: { id: randomUUID(), displayName: pusher, uniqueName: pusher },
    pushId: 14,
    url: `${w.elsewhere}/_apis/git/repositories/${w.repoId}/pushes/14`,
  });
}

export interface CommentFacts {
  id: number;
  author: string;
  body: string;
  commentType?: string;
  edited?: boolean;
}

export function commentEvent(w: PayloadWorld, pr: PullRequestFacts, c: CommentFacts) {
  const published = "2025-05-01T10:00:00.000Z";
  return envelope(w, "ms.vss-code.git-pullrequest-comment-event", "2.0", {
    comment: {
      id: c.id,
      parentCommentId: 0,
      author: { id: randomUUID(), displayName: c.author, uniqueName: c.author },
      content: c.body,
      publishedDate: published,
      lastUpdatedDate: published,
      lastContentUpdatedDate: c.edited ? "2025-05-01T10:05:00.000Z" : published,
      commentType: c.commentType ?? "text",
      _links: {
        self: { href: `${w.elsewhere}/comments/${c.id}` },
        threads: { href: `${w.elsewhere}/threads/3` },
      },
    },
    pullRequest: pullRequestResource(w, pr),
  });
}
