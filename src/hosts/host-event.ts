/** The Git hosts Zakenak speaks to; each has one adapter folder under src/hosts/. */
export type HostKind = "github" | "gitlab" | "gitea" | "bitbucket" | "bitbucket-server" | "azure-devops";

/** A repository as the adapters address it. Host quirks (GitLab's project id, GitHub's installation) ride along. */
export interface RepoRef {
  host: HostKind;
  /** `owner/name` (GitLab: the full `group/sub/project` path). */
  fullName: string;
  /** Host-specific id the API wants, when it is not the full name (GitLab project id). */
  id?: string;
  /** GitHub App installation that received the event. */
  installationId?: number;
  defaultBranch?: string;
}

export interface PullRequestEventBase {
  repo: RepoRef;
  number: number;
  headSha: string;
  headBranch: string;
  baseBranch: string;
  sender: string;
}

/** Host-neutral events: what intake enqueues and what workers act on. */
export type HostEvent =
  | ({ type: "pr-opened" | "pr-updated" } & PullRequestEventBase)
  | ({ type: "pr-closed"; merged: boolean } & PullRequestEventBase)
  | {
      type: "push";
      repo: RepoRef;
      /** Full ref, e.g. `refs/heads/develop` or `refs/tags/v1.2.0`. */
      ref: string;
      refType: "branch" | "tag";
      /** Branch or tag name without the refs/ prefix. */
      refName: string;
      after: string;
      deleted: boolean;
      pusher: string;
    }
  | {
      type: "comment";
      repo: RepoRef;
      number: number;
      commentId: string;
      body: string;
      author: string;
      /** True when the host marks the author as a bot account; the bot never answers itself. */
      authorIsBot: boolean;
    };

/** One verified webhook delivery, normalized; `id` is the host's delivery id (the dedupe key). */
export interface Delivery {
  id: string;
  host: HostKind;
  event: HostEvent;
}
