import { z } from "zod";
import { ignored, isZeroSha, type ParseResult, readPayload } from "../common/parse-result.js";
import { pushEvent } from "../common/push-event.js";
import type { RepoRef } from "../host-event.js";

// Only the fields the bot reads; everything else in GitLab's payloads passes through unchecked.
const project = z.object({
  id: z.number(),
  path_with_namespace: z.string(),
  default_branch: z.string().nullish(),
});
const user = z.object({ username: z.string() });

const pushPayload = z.object({
  ref: z.string(),
  after: z.string(),
  checkout_sha: z.string().nullish(),
  user_username: z.string().nullish(),
  user_name: z.string().nullish(),
  project,
});

const mergeRequestPayload = z.object({
  user,
  project,
  object_attributes: z.object({
    iid: z.number(),
    action: z.string().optional(),
    oldrev: z.string().nullish(),
    source_branch: z.string(),
    target_branch: z.string(),
    last_commit: z.object({ id: z.string() }),
  }),
});

const notePayload = z.object({
  user,
  project,
  object_attributes: z.object({
    id: z.number(),
    note: z.string(),
    noteable_type: z.string(),
    action: z.string().optional(),
  }),
  merge_request: z.object({ iid: z.number() }).optional(),
});

// Project and group access tokens act through bot users named `project_<id>_bot_<hex>` or
// `group_<id>_bot_<hex>` (older ones without the suffix); GitLab's hook payloads carry no bot flag.
const ACCESS_TOKEN_BOT = /^(project|group)_\d+_bot(_[0-9a-f]+)?$/;

function repoRef(p: z.infer<typeof project>): RepoRef {
  return {
    host: "gitlab",
    fullName: p.path_with_namespace,
    // The API addresses projects by numeric id; workers need not URL-encode the path.
    id: String(p.id),
    ...(p.default_branch ? { defaultBranch: p.default_branch } : {}),
  };
}

/**
 * GitLab webhook (`X-Gitlab-Event` header + parsed body) → host-neutral event. Pure: throws
 * `ZakenakError("invalid")` for a payload without the documented fields.
 */
export function parseGitlabEvent(eventHeader: string, payload: unknown): ParseResult {
  switch (eventHeader) {
    case "Push Hook":
    case "Tag Push Hook":
      return push(readPayload(pushPayload, payload, eventHeader));
    case "Merge Request Hook":
      return mergeRequest(readPayload(mergeRequestPayload, payload, eventHeader));
    case "Note Hook":
    case "Confidential Note Hook":
      return note(readPayload(notePayload, payload, eventHeader));
    default:
      return ignored(`event "${eventHeader}" is not used by the bot`);
  }
}

function push(p: z.infer<typeof pushPayload>): ParseResult {
  return pushEvent({
    repo: repoRef(p.project),
    ref: p.ref,
    after: p.after,
    deleted: isZeroSha(p.after),
    pusher: p.user_username ?? p.user_name ?? "",
  });
}

function mergeRequest(p: z.infer<typeof mergeRequestPayload>): ParseResult {
  const mr = p.object_attributes;
  const base = {
    repo: repoRef(p.project),
    // `iid` is the number in the project's URLs and API; `id` is instance-wide.
    number: mr.iid,
    headSha: mr.last_commit.id,
    headBranch: mr.source_branch,
    baseBranch: mr.target_branch,
    sender: p.user.username,
  };
  switch (mr.action) {
    case "open":
    case "reopen":
      return { type: "pr-opened", ...base };
    case "update":
      // `update` also fires for titles, labels and assignees; only `oldrev` says the code changed.
      if (!mr.oldrev) return ignored("merge request update without new commits");
      return { type: "pr-updated", ...base };
    case "close":
      return { type: "pr-closed", merged: false, ...base };
    case "merge":
      return { type: "pr-closed", merged: true, ...base };
    default:
      return ignored(`merge request action "${mr.action ?? "(none)"}"`);
  }
}

function note(p: z.infer<typeof notePayload>): ParseResult {
  const attrs = p.object_attributes;
  if (attrs.noteable_type !== "MergeRequest" || !p.merge_request) {
    return ignored(`note on ${attrs.noteable_type}, not on a merge request`);
  }
  // GitLab ≥16.11 also sends edits; an edited command must not run a second time.
  if (attrs.action !== undefined && attrs.action !== "create")
    return ignored(`note action "${attrs.action}"`);
  return {
    type: "comment",
    repo: repoRef(p.project),
    number: p.merge_request.iid,
    commentId: String(attrs.id),
    body: attrs.note,
    author: p.user.username,
    authorIsBot: ACCESS_TOKEN_BOT.test(p.user.username),
  };
}
