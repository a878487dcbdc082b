import { z } from "zod";
import { ignored, isZeroSha, type ParseResult, readPayload } from "../common/parse-result.js";
import { pullRequestEvent, pullRequestFields } from "../common/pull-request-event.js";
import { pushEvent } from "../common/push-event.js";
import type { RepoRef } from "../host-event.js";

// Only the fields the bot reads; everything else in Gitea's payloads passes through unchecked.
const repository = z.object({
  full_name: z.string(),
  default_branch: z.string().nullish(),
});
const account = z.object({ login: z.string() });

const pushPayload = z.object({
  ref: z.string(),
  after: z.string(),
  repository,
  pusher: account.nullish(),
  sender: account.nullish(),
});

// Gitea's payloads are GitHub-shaped.
const pullRequestPayload = z.object({ ...pullRequestFields, repository });

const commentPayload = z.object({
  action: z.string(),
  is_pull: z.boolean().optional(),
  issue: z.object({ number: z.number() }),
  comment: z.object({ id: z.number(), body: z.string().nullable(), user: account }),
  repository,
});

function repoRef(repo: z.infer<typeof repository>): RepoRef {
  return {
    host: "gitea",
    fullName: repo.full_name,
    ...(repo.default_branch ? { defaultBranch: repo.default_branch } : {}),
  };
}

/**
 * Gitea/Forgejo webhook → host-neutral event. `eventType` is the fine-grained `X-Gitea-Event-Type`
 * (or `X-Forgejo-Event-Type`): the coarse `X-Gitea-Event` calls a PR conversation comment
 * `issue_comment` and a review comment `pull_request_comment`, so only the fine one is unambiguous.
 * Pure: throws `ZakenakError("invalid")` for a payload without the documented fields.
 */
export function parseGiteaEvent(eventType: string, payload: unknown): ParseResult {
  switch (eventType) {
    case "push":
      return push(readPayload(pushPayload, payload, "push"));
    case "pull_request":
    case "pull_request_sync":
      return pullRequest(readPayload(pullRequestPayload, payload, eventType));
    case "pull_request_comment":
    case "issue_comment":
      return comment(readPayload(commentPayload, payload, eventType));
    default:
      return ignored(`event "${eventType}" is not used by the bot`);
  }
}

function push(p: z.infer<typeof pushPayload>): ParseResult {
  return pushEvent({
    repo: repoRef(p.repository),
    ref: p.ref,
    after: p.after,
    deleted: isZeroSha(p.after),
    pusher: p.pusher?.login ?? p.sender?.login ?? "",
  });
}

function pullRequest(p: z.infer<typeof pullRequestPayload>): ParseResult {
  // Gitea's spelling (GitHub says `synchronize`), sent with X-Gitea-Event-Type `pull_request_sync`.
  return pullRequestEvent(p, repoRef(p.repository), "synchronized");
}

function comment(p: z.infer<typeof commentPayload>): ParseResult {
  if (!p.is_pull) return ignored("comment on an issue, not a pull request");
  // Edited and deleted comments must not run a command a second time.
  if (p.action !== "created") return ignored(`comment action "${p.action}"`);
  return {
    type: "comment",
    repo: repoRef(p.repository),
    number: p.issue.number,
    commentId: String(p.comment.id),
    body: p.comment.body ?? "",
    author: p.comment.user.login,
    // Gitea's user objects carry no bot flag; workers compare the author with the bot's own login.
    authorIsBot: false,
  };
}
