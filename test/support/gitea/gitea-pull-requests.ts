import { waitUntil } from "../../../src/control-plane/wait-until.js";
import { GiteaApiError } from "./gitea-api-error.js";
import type { GiteaClient } from "./gitea-client.js";
import { type GiteaRepoRef, repoPath } from "./gitea-paths.js";

/** The parts of Gitea's pull request the tests use; the responses carry many more fields. */
export interface GiteaPullRequest {
  id: number;
  number: number;
  state: "open" | "closed";
  title: string;
  body: string;
  merged: boolean;
  mergeable: boolean;
  merge_commit_sha: string | null;
  html_url: string;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
}

/** Pull requests of a test Gitea's repositories. */
export class GiteaPullRequests {
  constructor(private readonly client: GiteaClient) {}

  async open({
    head,
    base,
    title = `Merge ${head} into ${base}`,
    body = "",
    ...repo
  }: GiteaRepoRef & {
    head: string;
    base: string;
    title?: string;
    body?: string;
  }): Promise<GiteaPullRequest> {
    return this.client.json<GiteaPullRequest>("POST", repoPath(repo, "pulls"), { head, base, title, body });
  }

  async get({ number, ...repo }: GiteaRepoRef & { number: number }): Promise<GiteaPullRequest> {
    return this.client.json<GiteaPullRequest>("GET", repoPath(repo, `pulls/${number}`));
  }

  /**
   * Merges a pull request. Gitea checks mergeability in the background after a PR opens or its branches
   * move, and answers 405 "Please try again later" until then, so that answer is retried until timeoutMs.
   */
  async merge({
    number,
    style = "merge",
    message,
    deleteBranch = false,
    timeoutMs = 30_000,
    ...repo
  }: GiteaRepoRef & {
    number: number;
    style?: "merge" | "rebase" | "rebase-merge" | "squash" | "fast-forward-only";
    message?: string;
    deleteBranch?: boolean;
    timeoutMs?: number;
  }): Promise<void> {
    const path = repoPath(repo, `pulls/${number}/merge`);
    const body = { Do: style, merge_message_field: message, delete_branch_after_merge: deleteBranch };
    let last = "";
    await waitUntil(
      async () => {
        const response = await this.client.request("POST", path, { body, expect: [200, 204, 405] });
        const text = await response.text();
        if (response.status !== 405) return true;
        if (!text.includes("try again later")) throw new GiteaApiError("POST", path, response.status, text);
        last = text;
        return undefined;
      },
      { timeoutMs, intervalMs: 200, what: `pull request ${number} to become mergeable`, detail: () => last },
    );
  }
}
