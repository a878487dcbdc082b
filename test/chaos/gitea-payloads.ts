// Gitea-format webhook payloads (the fields Gitea sends that intake reads, and a few more for realism),
// for deliveries a test posts itself with `postGiteaDelivery`.

/** The repository as a Gitea payload names it. */
export interface PayloadRepo {
  owner: string;
  name: string;
  defaultBranch?: string;
}

function repository(repo: PayloadRepo) {
  return {
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: { login: repo.owner },
    default_branch: repo.defaultBranch ?? "main",
  };
}

/** `push` (X-Gitea-Event-Type: push) of `after` to a branch. */
export function pushPayload(repo: PayloadRepo, branch: string, after: string, pusher: string) {
  return {
    ref: `refs/heads/${branch}`,
    before: "0".repeat(40),
    after,
    commits: [],
    repository: repository(repo),
    pusher: { login: pusher },
    sender: { login: pusher },
  };
}

/**
 * `pull_request` with action `opened` (X-Gitea-Event-Type: pull_request) or `synchronized`
 * (X-Gitea-Event-Type: pull_request_sync).
 */
export function pullRequestPayload(
  repo: PayloadRepo,
  pr: { number: number; headSha: string; headBranch: string; baseBranch: string },
  action: "opened" | "synchronized",
  sender: string,
) {
  return {
    action,
    number: pr.number,
    pull_request: {
      number: pr.number,
      state: "open",
      merged: false,
      head: { sha: pr.headSha, ref: pr.headBranch },
      base: { ref: pr.baseBranch },
    },
    repository: repository(repo),
    sender: { login: sender },
  };
}

/** A new comment on a pull request's conversation (X-Gitea-Event-Type: pull_request_comment). */
export function commentPayload(
  repo: PayloadRepo,
  comment: { number: number; id: number; body: string; author: string },
) {
  return {
    action: "created",
    is_pull: true,
    issue: { number: comment.number },
    comment: { id: comment.id, body: comment.body, user: { login: comment.author } },
    repository: repository(repo),
    sender: { login: comment.author },
  };
}
