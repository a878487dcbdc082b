import type { GiteaClient } from "./gitea-client.js";
import { type GiteaRepoRef, repoPath } from "./gitea-paths.js";

/** The parts of Gitea's hook the tests use; the responses carry many more fields. */
export interface GiteaHook {
  id: number;
  type: string;
  active: boolean;
  events: string[];
  config: Record<string, string>;
}

/** Repository-level events a webhook can subscribe to; "pull_request" includes its comments and reviews. */
export const defaultWebhookEvents = ["push", "pull_request", "issue_comment", "create", "delete", "status"];

/** Webhooks of a test Gitea's repositories. */
export class GiteaWebhooks {
  constructor(private readonly client: GiteaClient) {}

  /** A Gitea-type webhook posting JSON signed with secret (X-Gitea-Signature). */
  async create({
    url,
    secret,
    events = defaultWebhookEvents,
    branchFilter = "*",
    ...repo
  }: GiteaRepoRef & {
    url: string;
    secret: string;
    events?: string[];
    branchFilter?: string;
  }): Promise<GiteaHook> {
    return this.client.json<GiteaHook>("POST", repoPath(repo, "hooks"), {
      type: "gitea",
      config: { url, content_type: "json", secret },
      events,
      branch_filter: branchFilter,
      active: true,
    });
  }
}
