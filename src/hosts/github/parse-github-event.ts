import { z } from "zod";
import { ignored, type ParseResult, readPayload } from "../common/parse-result.js";
import { pullRequestEvent, pullRequestFields } from "../common/pull-request-event.js";
import { pushEvent } from "../common/push-event.js";
import type { RepoRef } from "../host-event.js";

// Only the fields the bot reads; everything else in GitHub's payloads passes through unchecked.
const repository = z.object({
  full_name: z.string(),
  default_branch: z.string().optional(),
});
const installation = z.object({ id: z.number() }).nullish();
const account = z.object({ login: z.string() });

const pullRequestPayload = z.object({ ...pullRequestFields, repository, installation });

const pushPayload = z.object({
  ref: z.string(),
  after: z.string(),
  deleted: z.boolean().optional(),
  repository,
  installation,
  sender: account.optional(),
  pusher: z.object({ name: z.string() }).optional(),
});

const issueCommentPayload = z.object({
  action: z.string(),
  issue: z.object({ number: z.number(), pull_request: z.object({}).nullish() }),
  comment: z.object({
    id: z.number(),
    body: z.string().nullable(),
    user: z.object({ login: z.string(), type: z.string().optional() }),
  }),
  repository,
  installation,
});

function repoRef(repo: z.infer<typeof repository>, inst: z.infer<typeof installation>): RepoRef {
  return {
    host: "github",
    fullName: repo.full_name,
    ...(inst ? { installationId: inst.id } : {}),
    ...(repo.default_branch ? { defaultBranch: repo.default_branch } : {}),
  };
}

/**
 * GitHub webhook (`X-GitHub-Event` name + parsed body) → host-neutral event. Pure: throws
 * `ZakenakError("invalid")` for a payload without the documented fields.
 */
export function parseGithubEvent(name: string, payload: unknown): ParseResult {
  switch (name) {
    case "pull_request":
      return pullRequest(readPayload(pullRequestPayload, payload, "pull_request"));
    case "push":
      return push(readPayload(pushPayload, payload, "push"));
    case "issue_comment":
      return issueComment(readPayload(issueCommentPayload, payload, "issue_comment"));
    case "ping":
      return ignored("ping");
    default:
      return ignored(`event "${name}" is not used by the bot`);
  }
}

function pullRequest(p: z.infer<typeof pullRequestPayload>): ParseResult {
  return pullRequestEvent(p, repoRef(p.repository, p.installation), "synchronize");
}

function push(p: z.infer<typeof pushPayload>): ParseResult {
  return pushEvent({
    repo: repoRef(p.repository, p.installation),
    ref: p.ref,
    after: p.after,
    deleted: p.deleted === true,
    pusher: p.sender?.login ?? p.pusher?.name ?? "",
  });
}

function issueComment(p: z.infer<typeof issueCommentPayload>): ParseResult {
  if (!p.issue.pull_request) return ignored("comment on an issue, not a pull request");
  // Edited and deleted comments must not run a command a second time.
  if (p.action !== "created") return ignored(`issue_comment action "${p.action}"`);
  return {
    type: "comment",
    repo: repoRef(p.repository, p.installation),
    number: p.issue.number,
    commentId: String(p.comment.id),
    body: p.comment.body ?? "",
    author: p.comment.user.login,
    authorIsBot: p.comment.user.type === "Bot",
  };
}
