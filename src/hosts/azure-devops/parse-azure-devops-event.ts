import { z } from "zod";
import { ignored, isZeroSha, type ParseResult, readPayload } from "../common/parse-result.js";
import { pushEvent } from "../common/push-event.js";
import type { PullRequestEventBase, RepoRef } from "../host-event.js";

// Only the fields the bot reads. Addresses the payload carries (`url`, `remoteUrl`, `resourceContainers`)
// are left out on purpose: the API is always reached at the configured collection URL.
const identity = z.object({ uniqueName: z.string() });
const repository = z.object({
  id: z.string(),
  name: z.string(),
  project: z.object({ name: z.string() }),
  defaultBranch: z.string().nullish(),
});
const pullRequest = z.object({
  pullRequestId: z.number(),
  status: z.string(),
  repository,
  sourceRefName: z.string(),
  targetRefName: z.string(),
  lastMergeSourceCommit: z.object({ commitId: z.string() }),
  createdBy: identity.nullish(),
});
const pullRequestPayload = z.object({ resource: pullRequest });
const commentPayload = z.object({
  resource: z.object({
    comment: z.object({
      id: z.number(),
      content: z.string().nullish(),
      author: identity,
      commentType: z.union([z.string(), z.number()]).nullish(),
      isDeleted: z.boolean().nullish(),
      publishedDate: z.string().nullish(),
      lastContentUpdatedDate: z.string().nullish(),
    }),
    // Only resourceVersion 2.0 sends the pull request; 1.0 sends the comment alone.
    pullRequest: z.object(
      { pullRequestId: z.number(), repository },
      {
        error: "missing: subscribe to the comment event at resourceVersion 2.0",
      },
    ),
  }),
});
const pushPayload = z.object({
  resource: z.object({
    refUpdates: z.array(z.object({ name: z.string(), newObjectId: z.string().nullish() })),
    repository,
    pushedBy: identity.nullish(),
  }),
});

const branchName = (ref: string) => ref.replace(/^refs\/heads\//, "");

/** `project/repository`, with the repository's id (a GUID) riding along. */
export function azureDevOpsRepoRef(repo: z.infer<typeof repository>): RepoRef {
  return {
    host: "azure-devops",
    fullName: `${repo.project.name}/${repo.name}`,
    id: repo.id,
    ...(repo.defaultBranch ? { defaultBranch: branchName(repo.defaultBranch) } : {}),
  };
}

/**
 * A service hook delivery → host-neutral events: one for most, one per branch or tag a push updated
 * (Azure DevOps reports a push of several refs in one delivery). The payload only says what to look at:
 * workers read the pull request again over the API before acting on it. Throws `ZakenakError("invalid")`
 * for a payload without the documented fields.
 */
export function parseAzureDevOpsEvent(eventType: string, payload: unknown): ParseResult[] {
  switch (eventType) {
    case "git.pullrequest.created":
    case "git.pullrequest.updated":
      return [pullRequestEvent(eventType, readPayload(pullRequestPayload, payload, eventType).resource)];
    case "ms.vss-code.git-pullrequest-comment-event":
      return [comment(readPayload(commentPayload, payload, eventType).resource)];
    case "git.push":
      return push(readPayload(pushPayload, payload, eventType).resource);
    default:
      return [ignored(`event "${eventType}" is not used by the bot`)];
  }
}

function pullRequestEvent(eventType: string, pr: z.infer<typeof pullRequest>): ParseResult {
  const base: PullRequestEventBase = {
    repo: azureDevOpsRepoRef(pr.repository),
    number: pr.pullRequestId,
    headSha: pr.lastMergeSourceCommit.commitId,
    headBranch: branchName(pr.sourceRefName),
    baseBranch: branchName(pr.targetRefName),
    sender: pr.createdBy?.uniqueName ?? "",
  };
  if (eventType === "git.pullrequest.created") return { type: "pr-opened", ...base };
  switch (pr.status) {
    // New commits, a reactivation, but also votes and reviewers: a plan of the same head is an idempotent
    // repeat, and the subscription's filter can keep those out.
    case "active":
      return { type: "pr-updated", ...base };
    case "completed":
      return { type: "pr-closed", merged: true, ...base };
    case "abandoned":
      return { type: "pr-closed", merged: false, ...base };
    default:
      return ignored(`pull request status "${pr.status}"`);
  }
}

function comment(r: z.infer<typeof commentPayload>["resource"]): ParseResult {
  const c = r.comment;
  if (c.commentType === "system" || c.commentType === 3) return ignored("system comment");
  if (c.isDeleted) return ignored("deleted comment");
  // The same event fires when a comment is edited: a command must not run a second time.
  const published = Date.parse(c.publishedDate ?? "");
  const edited = Date.parse(c.lastContentUpdatedDate ?? "");
  if (edited > published) return ignored("edited comment");
  return {
    type: "comment",
    repo: azureDevOpsRepoRef(r.pullRequest.repository),
    number: r.pullRequest.pullRequestId,
    commentId: String(c.id),
    body: c.content ?? "",
    author: c.author.uniqueName,
    // Identities carry no bot flag; workers compare the author with the bot's own account.
    authorIsBot: false,
  };
}

function push(r: z.infer<typeof pushPayload>["resource"]): ParseResult[] {
  const repo = azureDevOpsRepoRef(r.repository);
  if (r.refUpdates.length === 0) return [ignored("push without ref updates")];
  return r.refUpdates.map((u) =>
    pushEvent({
      repo,
      ref: u.name,
      after: u.newObjectId ?? "",
      deleted: isZeroSha(u.newObjectId),
      pusher: r.pushedBy?.uniqueName ?? "",
    }),
  );
}
