import type { Octokit } from "@octokit/rest";
import { ZakenakError } from "../../errors.js";
import type { CommitState, GitHost, PullRequestInfo } from "../git-host.js";
import type { RepoRef } from "../host-event.js";
import { extractTarball } from "../shared/extract-tarball.js";
import { fitComment, splitComment, trimText } from "../shared/fit-comment.js";
import type { HostCall } from "../shared/host-error.js";
import { memoizeAsync } from "../shared/memoize-async.js";
import { pickPullRequest } from "../shared/pick-pull-request.js";
import { ownerAndName } from "../shared/repo-path.js";
import { splitRef } from "../shared/split-ref.js";
import { gitHubError, hasStatus } from "./github-errors.js";
import { gitHubPermission } from "./github-permission.js";

/** What the adapter uses of an Octokit: `@octokit/rest`'s, or the installation Octokit Probot hands out. */
export type GitHubOctokit = Pick<Octokit, "rest" | "paginate" | "request">;

export interface GitHubHostOptions {
  octokit: GitHubOctokit;
  /**
   * The bot's login. An App's installation token cannot read GET /user, so Apps pass `<app-slug>[bot]` (or a
   * function finding it); without it, GET /user is asked once, which works for personal access tokens.
   */
  botLogin?: string | (() => Promise<string>);
}

/** The largest issue comment GitHub accepts, in characters. */
export const gitHubCommentLimit = 65_536;
/** GitHub refuses longer commit status descriptions with 422. */
export const gitHubStatusDescriptionLimit = 140;

// GitHub's commit statuses have the host-neutral states exactly; the table keeps the mapping explicit.
const statusStates: Record<CommitState, "pending" | "success" | "failure" | "error"> = {
  pending: "pending",
  success: "success",
  failure: "failure",
  error: "error",
};

const decoder = new TextDecoder();

/** Tags of tags are legal; a chain this long is not a real one. */
const maxTagDepth = 10;

/** A GitHub (or GHES: give the Octokit its `baseUrl`) adapter over an authenticated Octokit. */
export function createGitHubHost({ octokit, botLogin }: GitHubHostOptions): GitHost {
  const { rest } = octokit;

  async function run<T>(call: string, repo: RepoRef | undefined, fn: () => Promise<T>): Promise<T> {
    const where: HostCall = { host: "github", call, repo };
    try {
      return await fn();
    } catch (error) {
      throw gitHubError(where, error);
    }
  }

  const botUser = memoizeAsync(async () => {
    if (typeof botLogin === "string") return botLogin;
    if (botLogin) return run("botUser", undefined, botLogin);
    return run("botUser", undefined, async () => (await rest.users.getAuthenticated()).data.login);
  });

  /** The tip of a branch now; undefined when the branch is gone (e.g. deleted after the merge). */
  async function branchTip(owner: string, repo: string, branch: string): Promise<string | undefined> {
    try {
      return (await rest.git.getRef({ owner, repo, ref: `heads/${branch}` })).data.object.sha;
    } catch (error) {
      if (hasStatus(error, 404)) return undefined;
      throw error;
    }
  }

  return {
    kind: "github",
    commentLimit: gitHubCommentLimit,
    botUser,

    getPullRequest: (repo, number) =>
      run("getPullRequest", repo, async (): Promise<PullRequestInfo> => {
        const { owner, name } = ownerAndName(repo);
        const { data: pr } = await rest.pulls.get({ owner, repo: name, pull_number: number });
        const state = pr.merged_at ? "merged" : pr.state === "open" ? "open" : "closed";
        return {
          number: pr.number,
          headSha: pr.head.sha,
          headBranch: pr.head.ref,
          baseBranch: pr.base.ref,
          // The PR's own base.sha is where the base stood when the PR was last synchronized, not now.
          baseSha: (await branchTip(owner, name, pr.base.ref)) ?? pr.base.sha,
          state,
          // head.repo is null once the fork is deleted.
          fromFork: pr.head.repo?.id !== pr.base.repo.id,
        };
      }),

    pullRequestForCommit: (repo, sha) =>
      run("pullRequestForCommit", repo, async () => {
        const { owner, name } = ownerAndName(repo);
        const { data } = await rest.repos.listPullRequestsAssociatedWithCommit({
          owner,
          repo: name,
          commit_sha: sha,
          per_page: 100,
        });
        return pickPullRequest(
          sha,
          // An open PR's merge_commit_sha is GitHub's test merge, never a commit on the base branch.
          data.map((pr) => ({
            number: pr.number,
            resultShas: pr.merged_at ? [pr.merge_commit_sha] : [],
            merged: !!pr.merged_at,
          })),
        );
      }),

    upsertComment: (repo, number, marker, body) =>
      run("upsertComment", repo, async () => {
        const { owner, name } = ownerAndName(repo);
        const text = fitComment(body, gitHubCommentLimit, marker);
        const bot = (await botUser()).toLowerCase();
        const pages = octokit.paginate.iterator(rest.issues.listComments, {
          owner,
          repo: name,
          issue_number: number,
          per_page: 100,
        });
        for await (const page of pages) {
          const mine = page.data.find((c) => c.body?.includes(marker) && c.user?.login.toLowerCase() === bot);
          if (!mine) continue;
          // An unchanged body is left alone: no edit, no "edited" mark, no notification.
          if (mine.body !== text) {
            await rest.issues.updateComment({ owner, repo: name, comment_id: mine.id, body: text });
          }
          return { id: String(mine.id), created: false };
        }
        const { data } = await rest.issues.createComment({
          owner,
          repo: name,
          issue_number: number,
          body: text,
        });
        return { id: String(data.id), created: true };
      }),

    createComment: (repo, number, body) =>
      run("createComment", repo, async () => {
        const { owner, name } = ownerAndName(repo);
        for (const part of splitComment(body, gitHubCommentLimit)) {
          await rest.issues.createComment({ owner, repo: name, issue_number: number, body: part });
        }
      }),

    setStatus: (repo, sha, status) =>
      run("setStatus", repo, async () => {
        const { owner, name } = ownerAndName(repo);
        await rest.repos.createCommitStatus({
          owner,
          repo: name,
          sha,
          state: statusStates[status.state],
          context: status.context,
          description: trimText(status.description, gitHubStatusDescriptionLimit),
          target_url: status.targetUrl,
        });
      }),

    getPermission: (repo, user) =>
      run("getPermission", repo, async () => {
        const { owner, name } = ownerAndName(repo);
        try {
          const { data } = await rest.repos.getCollaboratorPermissionLevel({
            owner,
            repo: name,
            username: user,
          });
          return gitHubPermission(data.role_name, data.permission);
        } catch (error) {
          // No such user (or not visible to the bot): nobody to grant anything to.
          if (hasStatus(error, 404)) return "none";
          throw error;
        }
      }),

    downloadArchive: (repo, sha, destDir, limits) =>
      run("downloadArchive", repo, async () => {
        const { owner, name } = ownerAndName(repo);
        // A 302 to codeload follows; fetch drops Authorization on that cross-origin hop, and the redirect
        // URL carries its own short-lived token. The body is streamed, not buffered.
        const response = await octokit.request("GET /repos/{owner}/{repo}/tarball/{ref}", {
          owner,
          repo: name,
          ref: sha,
          request: { parseSuccessResponseBody: false },
        });
        await extractTarball(
          response.data as ReadableStream<Uint8Array>,
          destDir,
          { host: "github", call: "downloadArchive", repo },
          [],
          limits,
        );
      }),

    readFile: (repo, ref, path) =>
      run("readFile", repo, async () => {
        const { owner, name } = ownerAndName(repo);
        try {
          // The raw media type answers with the bytes, also for files over the 1 MB limit of the JSON form.
          const { data } = await rest.repos.getContent({
            owner,
            repo: name,
            path,
            ref,
            mediaType: { format: "raw" },
          });
          const raw = data as unknown;
          if (typeof raw === "string") return raw;
          if (raw instanceof ArrayBuffer) return decoder.decode(raw);
          // A JSON listing: the path is a directory (or a submodule), not a file.
          return undefined;
        } catch (error) {
          if (hasStatus(error, 404)) return undefined;
          throw error;
        }
      }),

    isCommitVerified: (repo, sha) =>
      run("isCommitVerified", repo, async () => {
        const { owner, name } = ownerAndName(repo);
        // The Git database form: the same verification object without the diff GET /commits/{sha} carries.
        const { data } = await rest.git.getCommit({ owner, repo: name, commit_sha: sha });
        return data.verification?.verified === true;
      }),

    refSha: (repo, ref) =>
      run("refSha", repo, async () => {
        const { owner, name } = ownerAndName(repo);
        const { kind, name: short } = splitRef(ref);
        const path = `${kind === "branch" ? "heads" : "tags"}/${short}`;
        let object: { type: string; sha: string };
        try {
          // The single-ref form matches the name exactly; git/refs/ would also answer longer names.
          object = (await rest.git.getRef({ owner, repo: name, ref: path })).data.object;
        } catch (error) {
          if (hasStatus(error, 404)) return undefined;
          throw error;
        }
        for (let depth = 0; object.type === "tag" && depth < maxTagDepth; depth++) {
          object = (await rest.git.getTag({ owner, repo: name, tag_sha: object.sha })).data.object;
        }
        if (object.type !== "commit") {
          throw new ZakenakError(
            "invalid",
            `${ref} of ${repo.fullName} points at a ${object.type}, not a commit`,
          );
        }
        return object.sha;
      }),

    isAncestor: (repo, ancestor, descendant) =>
      run("isAncestor", repo, async () => {
        if (ancestor.toLowerCase() === descendant.toLowerCase()) return true;
        const { owner, name } = ownerAndName(repo);
        try {
          const { data } = await rest.repos.compareCommitsWithBasehead({
            owner,
            repo: name,
            basehead: `${ancestor}...${descendant}`,
            // Only the status is wanted, not the commit list.
            per_page: 1,
          });
          // "ahead": descendant has commits ancestor lacks, and none the other way round.
          return data.status === "ahead" || data.status === "identical";
        } catch (error) {
          // Unrelated histories: GitHub answers 404 "No common ancestor between …".
          if (hasStatus(error, 404) && /no common ancestor/i.test((error as Error).message)) return false;
          throw error;
        }
      }),
  };
}
