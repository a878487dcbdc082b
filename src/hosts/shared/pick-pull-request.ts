export interface PullRequestCandidate {
  number: number;
  /** Merge, squash or rebase result commits the host lists for the pull request. */
  resultShas: (string | null | undefined)[];
  merged: boolean;
}

/**
 * The pull request a commit came from, out of those the host associates with it. The one whose merge (or
 * squash) commit is `sha` wins; else a merged one that contains it (a rebase merge or fast-forward). Open
 * pull requests merely containing the commit do not count: a push to a branch is not their merge.
 */
export function pickPullRequest(sha: string, candidates: PullRequestCandidate[]): number | undefined {
  const exact = candidates.find((c) => c.resultShas.some((s) => s === sha));
  return (exact ?? candidates.find((c) => c.merged))?.number;
}
