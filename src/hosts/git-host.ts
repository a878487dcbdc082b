import type { Permission } from "../config/schema.js";
import type { RepoRef } from "./host-event.js";
import type { ArchiveLimits } from "./shared/archive-limits.js";

export interface PullRequestInfo {
  number: number;
  headSha: string;
  headBranch: string;
  baseBranch: string;
  /** Commit at the tip of the base branch now. */
  baseSha: string;
  state: "open" | "closed" | "merged";
  /**
   * Whether the head branch lives in another repository than the base (or in one since deleted): its
   * code comes from someone who may have no rights on the base repository.
   */
  fromFork: boolean;
}

/** Host-neutral commit states; adapters map them through explicit tables. */
export type CommitState = "pending" | "success" | "failure" | "error";

export interface CommitStatus {
  /** Stable per environment, e.g. `zakenak/plan: dev`; the upsert key. */
  context: string;
  state: CommitState;
  /** Trimmed by the adapter to the host's limit. */
  description: string;
  targetUrl?: string;
}

/**
 * Everything the workers need from a Git host. Every write is an idempotent upsert, so a retried job
 * ends in the same state as a first try. Errors are `ZakenakError`s whose `retryable` says whether a
 * retry can help (5xx/429/network: yes; 401/403/404/422: no).
 */
export interface GitHost {
  readonly kind: RepoRef["host"];
  /** Largest comment body the host accepts, in characters. */
  readonly commentLimit: number;
  /** The bot's own user name on this host, so its own comments are ignored. */
  botUser(): Promise<string>;
  getPullRequest(repo: RepoRef, number: number): Promise<PullRequestInfo>;
  /** The pull request a (merge) commit came from, if any. */
  pullRequestForCommit(repo: RepoRef, sha: string): Promise<number | undefined>;
  /** Creates or edits in place the comment holding `marker` (a hidden HTML comment). */
  upsertComment(
    repo: RepoRef,
    number: number,
    marker: string,
    body: string,
  ): Promise<{ id: string; created: boolean }>;
  /** A new comment (replies to commands). */
  createComment(repo: RepoRef, number: number, body: string): Promise<void>;
  setStatus(repo: RepoRef, sha: string, status: CommitStatus): Promise<void>;
  getPermission(repo: RepoRef, user: string): Promise<Permission>;
  /**
   * Downloads the repository at `sha` and extracts it into `destDir` (which exists and is empty). Going over
   * one of `limits` (the defaults when not given) fails with `archive-too-large` and leaves destDir empty.
   */
  downloadArchive(repo: RepoRef, sha: string, destDir: string, limits?: ArchiveLimits): Promise<void>;
  /** Reads one file at a ref (the default branch's policy); undefined when it does not exist. */
  readFile(repo: RepoRef, ref: string, path: string): Promise<string | undefined>;
  /** Whether the host reports the commit's signature as verified. */
  isCommitVerified(repo: RepoRef, sha: string): Promise<boolean>;
  /**
   * The commit a full ref (`refs/heads/NAME` or `refs/tags/NAME`) points at now, annotated tags peeled;
   * undefined when the ref does not exist. An apply checks it against the commit it was asked to deploy, so
   * a replayed webhook or a moved tag does not deploy an old commit.
   */
  refSha(repo: RepoRef, ref: string): Promise<string | undefined>;
  /** Whether `ancestor` is reachable from `descendant` (the same commit counts). */
  isAncestor(repo: RepoRef, ancestor: string, descendant: string): Promise<boolean>;
}

/** A tag and the commit it points at (annotated tags peeled). */
export interface TagTip {
  name: string;
  sha: string;
}

/**
 * What a host adapter may offer beyond `GitHost` for polling: every tag of a repository. Hosts without
 * it have their tag environments left out of polling (their branches are still polled).
 */
export interface TagListing {
  listTags(repo: RepoRef): Promise<TagTip[]>;
}
