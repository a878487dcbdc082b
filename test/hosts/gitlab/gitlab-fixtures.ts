/**
 * Response bodies shaped like GitLab's REST API (v4) answers, fields as its docs list them for each
 * endpoint, trimmed to a realistic subset.
 */
export const projectId = 278964;
export const projectPath = "platform/deploy/app";
export const headSha = "b83d6e391c22777fca1ed3012fce84f633d7fed0";
export const mergeBase = "1a0b36b3cdad1d2ee32457c102a8c0b7056fa863";
export const mainTip = "7b5c3cc8be40ee161ae89a06bba6229da1032a0c";
export const mergeSha = "2ea9aa9d53c7cd8a8b21c5ffaa1f2a8bd40b2b2c";

export function gitLabUser(id: number, username: string) {
  return {
    id,
    username,
    name: username.replace(/-/g, " "),
    state: "active",
    locked: false,
    avatar_url: `https://gitlab.example/uploads/-/system/user/avatar/${id}/avatar.png`,
    web_url: `https://gitlab.example/${username}`,
  };
}

export function mergeRequest({
  iid = 12,
  state = "opened",
  mergeCommitSha = null,
  squashCommitSha = null,
  sourceProjectId = projectId,
}: {
  iid?: number;
  state?: string;
  mergeCommitSha?: string | null;
  squashCommitSha?: string | null;
  /** Another project's id: the source branch is in a fork. */
  sourceProjectId?: number;
} = {}) {
  return {
    id: 155_016_000 + iid,
    iid,
    project_id: projectId,
    title: "Bump app to 1.2.0",
    description: "",
    state,
    created_at: "2026-01-26T19:01:12.000Z",
    updated_at: "2026-01-26T19:01:12.000Z",
    merged_by: null,
    merged_at: state === "merged" ? "2026-01-27T10:00:00.000Z" : null,
    closed_by: null,
    closed_at: null,
    target_branch: "main",
    source_branch: "bump-app",
    user_notes_count: 1,
    author: gitLabUser(7, "alice"),
    assignees: [],
    reviewers: [],
    source_project_id: sourceProjectId,
    target_project_id: projectId,
    labels: [],
    draft: false,
    work_in_progress: false,
    merge_status: "can_be_merged",
    detailed_merge_status: "mergeable",
    sha: headSha,
    merge_commit_sha: mergeCommitSha,
    squash_commit_sha: squashCommitSha,
    reference: `!${iid}`,
    references: { short: `!${iid}`, relative: `!${iid}`, full: `${projectPath}!${iid}` },
    web_url: `https://gitlab.example/${projectPath}/-/merge_requests/${iid}`,
    squash: false,
    has_conflicts: false,
    diff_refs: { base_sha: mergeBase, head_sha: headSha, start_sha: mergeBase },
  };
}

function commit(sha: string) {
  return {
    id: sha,
    short_id: sha.slice(0, 8),
    created_at: "2026-01-26T19:01:12.000Z",
    parent_ids: [],
    title: "Merge branch 'bump-app' into 'main'",
    message: "Merge branch 'bump-app' into 'main'",
    author_name: "Alice",
    author_email: "alice@example.com",
    authored_date: "2026-01-26T19:01:12.000Z",
    committer_name: "Alice",
    committer_email: "alice@example.com",
    committed_date: "2026-01-26T19:01:12.000Z",
    web_url: `https://gitlab.example/${projectPath}/-/commit/${sha}`,
  };
}

/** GET /repository/merge_base answers the merge base as a commit. */
export const mergeBaseCommit = commit;

/** A tag; `target` is the tag object of an annotated tag, `commit` the commit it points at. */
export function tag(name: string, target: string, commitSha: string) {
  return {
    name,
    message: target === commitSha ? "" : `Release ${name}`,
    target,
    commit: commit(commitSha),
    release: null,
    protected: false,
    created_at: target === commitSha ? null : "2026-01-26T19:01:12.000Z",
  };
}

export function branch(name: string, sha: string) {
  return {
    name,
    merged: false,
    protected: true,
    default: name === "main",
    developers_can_push: false,
    developers_can_merge: false,
    can_push: true,
    web_url: `https://gitlab.example/${projectPath}/-/tree/${name}`,
    commit: commit(sha),
  };
}

export function note(id: number, body: string, author: { id: number; username: string }, system = false) {
  return {
    id,
    type: null,
    body,
    attachment: null,
    author: gitLabUser(author.id, author.username),
    created_at: "2026-01-26T19:01:12.000Z",
    updated_at: "2026-01-26T19:01:12.000Z",
    system,
    noteable_id: 155_016_012,
    noteable_type: "MergeRequest",
    project_id: projectId,
    resolvable: false,
    confidential: false,
    internal: false,
    noteable_iid: 12,
    commands_changes: {},
  };
}

/** The offset-pagination headers GitLab sends with every list. */
export function pageHeaders(base: string, path: string, page: number, totalPages: number) {
  const link = (p: number, rel: string) => `<${base}${path}?page=${p}&per_page=100>; rel="${rel}"`;
  const links = [page < totalPages ? link(page + 1, "next") : "", link(1, "first"), link(totalPages, "last")];
  return {
    "x-page": String(page),
    "x-per-page": "100",
    "x-next-page": page < totalPages ? String(page + 1) : "",
    "x-prev-page": page > 1 ? String(page - 1) : "",
    "x-total": String(totalPages * 2),
    "x-total-pages": String(totalPages),
    link: links.filter(Boolean).join(", "),
  };
}

export function commitStatus(status: string, name: string, description: string) {
  return {
    id: 93,
    sha: headSha,
    ref: "bump-app",
    status,
    name,
    target_url: "https://zakenak.example/runs/1",
    description,
    created_at: "2026-01-26T19:01:12.000Z",
    started_at: null,
    finished_at: null,
    allow_failure: false,
    coverage: null,
    pipeline_id: 1200,
    author: gitLabUser(99, "zakenak-bot"),
  };
}

export function member(id: number, username: string, accessLevel: number) {
  return {
    ...gitLabUser(id, username),
    access_level: accessLevel,
    created_at: "2026-01-01T00:00:00.000Z",
    created_by: gitLabUser(1, "root"),
    expires_at: null,
    group_saml_identity: null,
    membership_state: "active",
  };
}
