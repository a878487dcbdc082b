/**
 * Response bodies shaped like GitHub's REST API answers (fields as documented for each endpoint, trimmed
 * to a realistic subset), pointing at the fake's base URL.
 */
export const owner = "octo-org";
export const repoName = "deployments";
export const headSha = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
export const baseSha = "c3d0be41ecbe669545ee3e94d31ed9a4bc91ee3c";
export const mainTip = "9fceb02d0ae598e95dc970b74767f19372d61af8";
export const mergeSha = "e5bd3914e2e596debea16f433f57875b5b90bcd6";

export function user(login: string, type: "User" | "Bot" = "User") {
  return {
    login,
    id: login.length * 1000 + 7,
    node_id: "MDQ6VXNlcjE=",
    avatar_url: "https://avatars.example/u/1?v=4",
    url: `https://api.example/users/${login}`,
    html_url: `https://github.example/${login}`,
    type,
    site_admin: false,
  };
}

function repository(base: string, repoOwner = owner, id = 1296269) {
  return {
    id,
    node_id: "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
    name: repoName,
    full_name: `${repoOwner}/${repoName}`,
    owner: user(repoOwner),
    private: true,
    fork: repoOwner !== owner,
    url: `${base}/repos/${repoOwner}/${repoName}`,
    default_branch: "main",
  };
}

export function pullRequest(
  base: string,
  {
    number = 7,
    state = "open",
    mergedAt = null,
    headOwner = owner,
  }: {
    number?: number;
    state?: string;
    mergedAt?: string | null;
    /** Another owner: the head branch is in that owner's fork; null: in a fork since deleted. */
    headOwner?: string | null;
  } = {},
) {
  const headRepo =
    headOwner === null ? null : repository(base, headOwner, headOwner === owner ? 1296269 : 8675309);
  return {
    url: `${base}/repos/${owner}/${repoName}/pulls/${number}`,
    id: 1_000_000 + number,
    node_id: "MDExOlB1bGxSZXF1ZXN0MQ==",
    html_url: `https://github.example/${owner}/${repoName}/pull/${number}`,
    number,
    state,
    locked: false,
    title: "Bump app to 1.2.0",
    user: user("octocat"),
    body: "Please review",
    created_at: "2026-01-26T19:01:12Z",
    updated_at: "2026-01-26T19:01:12Z",
    closed_at: mergedAt,
    merged_at: mergedAt,
    merge_commit_sha: mergeSha,
    draft: false,
    head: {
      label: `${headOwner ?? owner}:bump-app`,
      ref: "bump-app",
      sha: headSha,
      user: user(headOwner ?? owner),
      repo: headRepo,
    },
    base: { label: `${owner}:main`, ref: "main", sha: baseSha, user: user(owner), repo: repository(base) },
    author_association: "MEMBER",
    merged: mergedAt !== null,
    mergeable: true,
    comments: 3,
    commits: 1,
    additions: 2,
    deletions: 1,
    changed_files: 1,
  };
}

export function issueComment(base: string, id: number, body: string, login: string) {
  return {
    id,
    node_id: "MDEyOklzc3VlQ29tbWVudDE=",
    url: `${base}/repos/${owner}/${repoName}/issues/comments/${id}`,
    html_url: `https://github.example/${owner}/${repoName}/pull/7#issuecomment-${id}`,
    body,
    user: user(login, login.endsWith("[bot]") ? "Bot" : "User"),
    created_at: "2026-01-26T19:01:12Z",
    updated_at: "2026-01-26T19:01:12Z",
    issue_url: `${base}/repos/${owner}/${repoName}/issues/7`,
    author_association: "NONE",
  };
}

export function gitRef(base: string, branch: string, sha: string) {
  return {
    ref: `refs/heads/${branch}`,
    node_id: "MDM6UmVmcmVmcy9oZWFkcy9mZWF0dXJlQQ==",
    url: `${base}/repos/${owner}/${repoName}/git/refs/heads/${branch}`,
    object: { type: "commit", sha, url: `${base}/repos/${owner}/${repoName}/git/commits/${sha}` },
  };
}

export function gitCommit(base: string, sha: string, verification: { verified: boolean; reason: string }) {
  return {
    sha,
    node_id: "MDY6Q29tbWl0NmRjYjA5YjViNTc4NzVmMzM0ZjYxYWViZWQ2OTVlMmU0MTkzZGI1ZQ==",
    url: `${base}/repos/${owner}/${repoName}/git/commits/${sha}`,
    html_url: `https://github.example/${owner}/${repoName}/commit/${sha}`,
    author: { date: "2026-01-26T19:01:12Z", name: "Monalisa Octocat", email: "mona@example.com" },
    committer: { date: "2026-01-26T19:01:12Z", name: "Monalisa Octocat", email: "mona@example.com" },
    message: "Bump app",
    tree: { url: `${base}/repos/${owner}/${repoName}/git/trees/${baseSha}`, sha: baseSha },
    parents: [],
    verification: { ...verification, signature: null, payload: null, verified_at: null },
  };
}

export function commitStatus(base: string, state: string, context: string, description: string) {
  return {
    url: `${base}/repos/${owner}/${repoName}/statuses/${headSha}`,
    id: 1,
    node_id: "MDY6U3RhdHVzMQ==",
    state,
    description,
    target_url: "https://zakenak.example/runs/1",
    context,
    created_at: "2026-01-26T19:01:12Z",
    updated_at: "2026-01-26T19:01:12Z",
    creator: user("zakenak[bot]", "Bot"),
  };
}

export function notFound(docs: string) {
  return {
    message: "Not Found",
    documentation_url: `https://docs.github.example/rest/${docs}`,
    status: "404",
  };
}

export function annotatedTag(
  base: string,
  tag: string,
  tagSha: string,
  object: { type: string; sha: string },
) {
  return {
    node_id: "MDM6VGFnOTQwYmQzMzYyNDhlZmFlMGY5ZWU1YmM3YjJkNWM5ODU4ODdiMTZhYw==",
    tag,
    sha: tagSha,
    url: `${base}/repos/${owner}/${repoName}/git/tags/${tagSha}`,
    message: `Release ${tag}`,
    tagger: { name: "Monalisa Octocat", email: "mona@example.com", date: "2026-01-26T19:01:12Z" },
    object: { ...object, url: `${base}/repos/${owner}/${repoName}/git/${object.type}s/${object.sha}` },
    verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
  };
}

export function tagRef(base: string, tag: string, object: { type: string; sha: string }) {
  return {
    ref: `refs/tags/${tag}`,
    node_id: "MDM6UmVmcmVmcy90YWdzL3YxLjAuMA==",
    url: `${base}/repos/${owner}/${repoName}/git/refs/tags/${tag}`,
    object: { ...object, url: `${base}/repos/${owner}/${repoName}/git/${object.type}s/${object.sha}` },
  };
}

/** A compare answer trimmed to its counts; GitHub adds the commits and files lists. */
export function comparison(base: string, status: string, aheadBy: number, behindBy: number) {
  return {
    url: `${base}/repos/${owner}/${repoName}/compare/${baseSha}...${headSha}`,
    html_url: `https://github.example/${owner}/${repoName}/compare/${baseSha}...${headSha}`,
    status,
    ahead_by: aheadBy,
    behind_by: behindBy,
    total_commits: aheadBy,
    commits: [],
    files: [],
  };
}
