import type { GiteaClient } from "./gitea-client.js";
import { filePath, type GiteaRepoRef, repoPath } from "./gitea-paths.js";

export type GiteaCommitState = "pending" | "success" | "error" | "failure" | "warning";

/** The parts of Gitea's commit status the tests use; the responses carry many more fields. */
export interface GiteaCommitStatus {
  id: number;
  status: GiteaCommitState;
  context: string;
  description: string;
  target_url: string;
  creator: { login: string };
}

export interface GiteaCombinedStatus {
  state: GiteaCommitState | "";
  sha: string;
  total_count: number;
  statuses: GiteaCommitStatus[] | null;
}

/** Commit statuses on a test Gitea; a ref may be a SHA, branch or tag. */
export class GiteaCommitStatuses {
  constructor(private readonly client: GiteaClient) {}

  /** Statuses of ref, newest first. */
  async list({ ref, ...repo }: GiteaRepoRef & { ref: string }): Promise<GiteaCommitStatus[]> {
    return this.client.json<GiteaCommitStatus[]>("GET", repoPath(repo, `commits/${filePath(ref)}/statuses`));
  }

  async combined({ ref, ...repo }: GiteaRepoRef & { ref: string }): Promise<GiteaCombinedStatus> {
    return this.client.json<GiteaCombinedStatus>("GET", repoPath(repo, `commits/${filePath(ref)}/status`));
  }

  async create({
    sha,
    state,
    context,
    description = "",
    targetUrl,
    ...repo
  }: GiteaRepoRef & {
    sha: string;
    state: GiteaCommitState;
    context: string;
    description?: string;
    targetUrl?: string;
  }): Promise<GiteaCommitStatus> {
    return this.client.json<GiteaCommitStatus>(
      "POST",
      repoPath(repo, `statuses/${encodeURIComponent(sha)}`),
      {
        state,
        context,
        description,
        target_url: targetUrl,
      },
    );
  }
}
