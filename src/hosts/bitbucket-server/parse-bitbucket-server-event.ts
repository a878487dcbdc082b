import { z } from "zod";
import { ignored, isZeroSha, type ParseResult, readPayload } from "../common/parse-result.js";
import { pushEvent } from "../common/push-event.js";
import type { RepoRef } from "../host-event.js";

// Only the fields the bot reads; everything else in Bitbucket's payloads passes through unchecked.
const repository = z.object({ slug: z.string(), project: z.object({ key: z.string() }) });
const user = z.object({ name: z.string(), type: z.string().nullish() });
const pullRequestRef = z.object({ displayId: z.string(), latestCommit: z.string(), repository });
const pullRequest = z.object({ id: z.number(), fromRef: pullRequestRef, toRef: pullRequestRef });

const pullRequestPayload = z.object({ actor: user, pullRequest });

const commentPayload = z.object({
  pullRequest: z.object({ id: z.number(), toRef: z.object({ repository }) }),
  comment: z.object({ id: z.number(), text: z.string(), author: user }),
});

const refsChangedPayload = z.object({
  actor: user.nullish(),
  repository,
  changes: z.array(
    z.object({
      refId: z.string(),
      toHash: z.string().nullish(),
      type: z.string(),
    }),
  ),
});

function repoRef(r: z.infer<typeof repository>): RepoRef {
  return { host: "bitbucket-server", fullName: `${r.project.key}/${r.slug}` };
}

/**
 * Bitbucket Server webhook (`X-Event-Key` + parsed body) → host-neutral events. A push (`repo:refs_changed`)
 * carries every ref it changed, so it gives one result per change, in the payload's order; every other
 * event gives one. Pure: throws `ZakenakError("invalid")` for a payload without the documented fields.
 */
export function parseBitbucketServerEvent(eventKey: string, payload: unknown): ParseResult[] {
  switch (eventKey) {
    case "repo:refs_changed":
      return refsChanged(readPayload(refsChangedPayload, payload, eventKey));
    case "pr:opened":
    case "pr:from_ref_updated":
    case "pr:merged":
    case "pr:declined":
    case "pr:deleted":
      return [pullRequestEvent(eventKey, readPayload(pullRequestPayload, payload, eventKey))];
    case "pr:comment:added":
      return [comment(readPayload(commentPayload, payload, eventKey))];
    default:
      // pr:modified is a title, description or target edit: no new code to plan.
      return [ignored(`event "${eventKey}" is not used by the bot`)];
  }
}

function refsChanged(p: z.infer<typeof refsChangedPayload>): ParseResult[] {
  if (p.changes.length === 0) return [ignored("push without ref changes")];
  return p.changes.map((change) =>
    pushEvent({
      repo: repoRef(p.repository),
      ref: change.refId,
      after: change.toHash ?? "",
      deleted: change.type === "DELETE" || isZeroSha(change.toHash),
      pusher: p.actor?.name ?? "",
    }),
  );
}

function pullRequestEvent(eventKey: string, p: z.infer<typeof pullRequestPayload>): ParseResult {
  const pr = p.pullRequest;
  const base = {
    // The target repository is where the pull request, its comments and statuses live.
    repo: repoRef(pr.toRef.repository),
    number: pr.id,
    headSha: pr.fromRef.latestCommit,
    headBranch: pr.fromRef.displayId,
    baseBranch: pr.toRef.displayId,
    sender: p.actor.name,
  };
  switch (eventKey) {
    case "pr:opened":
      return { type: "pr-opened", ...base };
    case "pr:from_ref_updated":
      return { type: "pr-updated", ...base };
    case "pr:merged":
      return { type: "pr-closed", merged: true, ...base };
    default:
      // Declined or deleted: closed without a merge either way.
      return { type: "pr-closed", merged: false, ...base };
  }
}

function comment(p: z.infer<typeof commentPayload>): ParseResult {
  return {
    type: "comment",
    repo: repoRef(p.pullRequest.toRef.repository),
    number: p.pullRequest.id,
    commentId: String(p.comment.id),
    body: p.comment.text,
    author: p.comment.author.name,
    // Project and repository access tokens act through service users; people are NORMAL users.
    authorIsBot: p.comment.author.type === "SERVICE",
  };
}
