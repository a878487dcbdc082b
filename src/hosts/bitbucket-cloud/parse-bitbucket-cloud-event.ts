import { z } from "zod";
import { ignored, type ParseResult, readPayload } from "../common/parse-result.js";
import { pushEvent } from "../common/push-event.js";
import type { RepoRef } from "../host-event.js";
import { accountName } from "./bitbucket-cloud-account.js";

/** One normalized event, with what intake must still look up before queueing it. */
export interface BitbucketParsed {
  result: ParseResult;
  /**
   * Pull request events only: the repository holding the head commit (a fork's, or the repository
   * itself), where the 12-character hash of the payload is expanded to the full sha.
   */
  headRepo?: string;
}

// Only the fields the bot reads; everything else in Bitbucket's payloads passes through unchecked.
const account = z.object({
  account_id: z.string().nullish(),
  uuid: z.string().nullish(),
  nickname: z.string().nullish(),
  type: z.string().nullish(),
});
const repository = z.object({
  full_name: z.string(),
  // Not in the documented webhook entity; used when a payload carries it, else workers ask the API.
  mainbranch: z.object({ name: z.string() }).nullish(),
});
const hash = z.string().regex(/^[0-9a-f]{7,40}$/i, "must be a commit hash");
const pullRequest = z.object({
  id: z.number(),
  source: z.object({
    branch: z.object({ name: z.string() }),
    commit: z.object({ hash }),
    // Null once a fork is deleted.
    repository: z.object({ full_name: z.string() }).nullish(),
  }),
  destination: z.object({ branch: z.object({ name: z.string() }) }),
});
const pullRequestPayload = z.object({ actor: account, repository, pullrequest: pullRequest });
const commentPayload = z.object({
  repository,
  pullrequest: z.object({ id: z.number() }),
  comment: z.object({ id: z.number(), content: z.object({ raw: z.string().nullish() }), user: account }),
});
const refState = z.object({ type: z.string(), name: z.string(), target: z.object({ hash }) });
const pushPayload = z.object({
  actor: account,
  repository,
  push: z.object({ changes: z.array(z.object({ new: refState.nullish(), old: refState.nullish() })) }),
});

function repoRef(repo: z.infer<typeof repository>): RepoRef {
  return {
    host: "bitbucket",
    fullName: repo.full_name,
    ...(repo.mainbranch?.name ? { defaultBranch: repo.mainbranch.name } : {}),
  };
}

/**
 * Bitbucket Cloud webhook (`X-Event-Key` + parsed body) → host-neutral events: one per ref for a push
 * (a push delivery lists every ref it changed), else one. Pure: throws `ZakenakError("invalid")` for a
 * payload without the documented fields.
 */
export function parseBitbucketCloudEvent(eventKey: string, payload: unknown): BitbucketParsed[] {
  switch (eventKey) {
    case "repo:push":
      return push(readPayload(pushPayload, payload, eventKey));
    case "pullrequest:created":
    case "pullrequest:updated":
    case "pullrequest:fulfilled":
    case "pullrequest:rejected":
      return [pullRequestEvent(eventKey, readPayload(pullRequestPayload, payload, eventKey))];
    case "pullrequest:comment_created":
      return [{ result: comment(readPayload(commentPayload, payload, eventKey)) }];
    default:
      return [{ result: ignored(`event "${eventKey}" is not used by the bot`) }];
  }
}

function pullRequestEvent(key: string, p: z.infer<typeof pullRequestPayload>): BitbucketParsed {
  const pr = p.pullrequest;
  const base = {
    repo: repoRef(p.repository),
    number: pr.id,
    // 12 characters: intake expands it before queueing (BitbucketParsed.headRepo).
    headSha: pr.source.commit.hash,
    headBranch: pr.source.branch.name,
    baseBranch: pr.destination.branch.name,
    sender: accountName(p.actor),
  };
  const headRepo = pr.source.repository?.full_name ?? p.repository.full_name;
  switch (key) {
    case "pullrequest:created":
      return { result: { type: "pr-opened", ...base }, headRepo };
    case "pullrequest:updated":
      // Also sent for title, description and reviewer edits: intake drops those whose head did not move.
      return { result: { type: "pr-updated", ...base }, headRepo };
    case "pullrequest:fulfilled":
      return { result: { type: "pr-closed", merged: true, ...base }, headRepo };
    default:
      return { result: { type: "pr-closed", merged: false, ...base }, headRepo };
  }
}

function comment(p: z.infer<typeof commentPayload>): ParseResult {
  return {
    type: "comment",
    repo: repoRef(p.repository),
    number: p.pullrequest.id,
    commentId: String(p.comment.id),
    body: p.comment.content.raw ?? "",
    author: accountName(p.comment.user),
    // Access tokens and apps comment as app users; the bot answers people only.
    authorIsBot: p.comment.user.type === "app_user",
  };
}

const refPrefix: Record<string, string> = { branch: "refs/heads/", tag: "refs/tags/" };

function push(p: z.infer<typeof pushPayload>): BitbucketParsed[] {
  const repo = repoRef(p.repository);
  const pusher = accountName(p.actor);
  if (p.push.changes.length === 0) return [{ result: ignored("push without ref changes") }];
  return p.push.changes.map((change) => {
    const ref = change.new ?? change.old;
    if (!ref) return { result: ignored("push change without a ref") };
    const prefix = refPrefix[ref.type];
    // Mercurial-era named branches and bookmarks have no git ref.
    if (!prefix) return { result: ignored(`push to a ${ref.type} ${ref.name}, neither a branch nor a tag`) };
    const after = change.new?.target.hash ?? "";
    return {
      result: pushEvent({ repo, ref: `${prefix}${ref.name}`, after, deleted: !change.new, pusher }),
    };
  });
}
