import { ZakenakError } from "../../errors.js";
import type { CommitState, GitHost, PullRequestInfo, TagListing } from "../git-host.js";
import type { RepoRef } from "../host-event.js";
import { extractTarball } from "../shared/extract-tarball.js";
import { fitComment, splitComment } from "../shared/fit-comment.js";
import { describeCall, type HostCall } from "../shared/host-error.js";
import { memoizeAsync } from "../shared/memoize-async.js";
import { escapePath, ownerAndName } from "../shared/repo-path.js";
import { splitRef } from "../shared/split-ref.js";
import { createGiteaApi } from "./gitea-api.js";
import { giteaPermission } from "./gitea-permission.js";

export interface GiteaHostOptions {
  /** The instance URL, e.g. `https://gitea.example.com` (a trailing `/api/v1` is accepted too). */
  url: string;
  /** An access token of the bot user (repository read/write and user read scopes). */
  token: string;
}

// Gitea caps a page at its MAX_RESPONSE_ITEMS, 50 by default.
const TAG_PAGE = 50;

/** Gitea documents no cap on comment bodies (a TEXT column); this keeps a body within reason all the same. */
export const giteaCommentLimit = 1_000_000;

// Gitea's states include the host-neutral ones under the same names (plus `warning`, unused here).
const statusStates: Record<CommitState, "pending" | "success" | "failure" | "error"> = {
  pending: "pending",
  success: "success",
  failure: "failure",
  error: "error",
};

interface GiteaPull {
  number: number;
  state: "open" | "closed";
  merged: boolean;
  head: GiteaPullBranch;
  base: GiteaPullBranch;
}

interface GiteaPullBranch {
  ref: string;
  sha: string;
  repo_id: number;
  /** Null once the repository is deleted. */
  repo: { id: number } | null;
}

interface GiteaComment {
  id: number;
  body: string;
  user: { login: string } | null;
}

/** `repos/{owner}/{name}/` followed by `rest`, each segment escaped. */
function repoPath(repo: RepoRef, rest: string): string {
  const { owner, name } = ownerAndName(repo);
  return `repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/${rest}`;
}

/** A Gitea (or Forgejo, which keeps the same API) adapter over fetch. */
export function createGiteaHost({
  url,
  token,
}: GiteaHostOptions): GitHost & TagListing & { defaultBranch(repo: RepoRef): Promise<string> } {
  const api = createGiteaApi(url, token);
  const at = (call: string, repo?: RepoRef): HostCall => ({ host: "gitea", call, repo });

  const botUser = memoizeAsync(async () => (await api.json<{ login: string }>(at("botUser"), "user")).login);

  return {
    kind: "gitea",
    commentLimit: giteaCommentLimit,
    botUser,

    async getPullRequest(repo, number): Promise<PullRequestInfo> {
      const where = at("getPullRequest", repo);
      const pr = await api.json<GiteaPull>(where, repoPath(repo, `pulls/${number}`));
      const branch = await api.jsonOr404<{ commit: { id: string } }>(
        where,
        repoPath(repo, `branches/${escapePath(pr.base.ref)}`),
      );
      return {
        number: pr.number,
        headSha: pr.head.sha,
        headBranch: pr.head.ref,
        baseBranch: pr.base.ref,
        // The branch's tip now; the PR's base.sha only stands in when the branch is gone.
        baseSha: branch?.commit.id ?? pr.base.sha,
        state: pr.merged ? "merged" : pr.state === "open" ? "open" : "closed",
        fromFork: !pr.head.repo || pr.head.repo.id !== (pr.base.repo?.id ?? pr.base.repo_id),
      };
    },

    async pullRequestForCommit(repo, sha) {
      // Gitea looks up the pull request that was merged as this commit; 404 when there is none.
      const pr = await api.jsonOr404<{ number: number }>(
        at("pullRequestForCommit", repo),
        repoPath(repo, `commits/${encodeURIComponent(sha)}/pull`),
      );
      return pr?.number;
    },

    async upsertComment(repo, number, marker, body) {
      const where = at("upsertComment", repo);
      const text = fitComment(body, giteaCommentLimit, marker);
      const bot = (await botUser()).toLowerCase();
      // This endpoint is not paginated: it answers every comment of the issue at once.
      const comments = await api.json<GiteaComment[]>(where, repoPath(repo, `issues/${number}/comments`));
      const mine = comments.find((c) => c.body.includes(marker) && c.user?.login.toLowerCase() === bot);
      if (mine) {
        if (mine.body !== text) {
          await api.json(where, repoPath(repo, `issues/comments/${mine.id}`), {
            method: "PATCH",
            body: { body: text },
          });
        }
        return { id: String(mine.id), created: false };
      }
      const created = await api.json<GiteaComment>(where, repoPath(repo, `issues/${number}/comments`), {
        method: "POST",
        body: { body: text },
      });
      return { id: String(created.id), created: true };
    },

    async createComment(repo, number, body) {
      for (const part of splitComment(body, giteaCommentLimit)) {
        await api.json(at("createComment", repo), repoPath(repo, `issues/${number}/comments`), {
          method: "POST",
          body: { body: part },
        });
      }
    },

    async setStatus(repo, sha, status) {
      // No documented description limit: the text goes as given.
      await api.json(at("setStatus", repo), repoPath(repo, `statuses/${encodeURIComponent(sha)}`), {
        method: "POST",
        body: {
          state: statusStates[status.state],
          context: status.context,
          description: status.description,
          target_url: status.targetUrl,
        },
      });
    },

    async getPermission(repo, user) {
      // Needs repository admin rights for anyone but the bot itself; 404: no such user.
      const answer = await api.jsonOr404<{ permission?: string }>(
        at("getPermission", repo),
        repoPath(repo, `collaborators/${encodeURIComponent(user)}/permission`),
      );
      return giteaPermission(answer?.permission);
    },

    async downloadArchive(repo, sha, destDir, limits) {
      const where = at("downloadArchive", repo);
      const response = await api.response(where, repoPath(repo, `archive/${encodeURIComponent(sha)}.tar.gz`));
      if (!response.body)
        throw new ZakenakError("host-error", `${describeCall(where)}: the archive is empty`);
      await extractTarball(response.body, destDir, where, [token], limits);
    },

    async readFile(repo, ref, path) {
      const response = await api.responseOr404(
        at("readFile", repo),
        repoPath(repo, `raw/${escapePath(path)}`),
        {
          query: { ref },
        },
      );
      return response?.text();
    },

    async isCommitVerified(repo, sha) {
      const commit = await api.json<{ commit?: { verification?: { verified?: boolean } } }>(
        at("isCommitVerified", repo),
        repoPath(repo, `git/commits/${encodeURIComponent(sha)}`),
        // Skip the diff statistics and file list: only the signature check is wanted.
        { query: { stat: false, files: false, verification: true } },
      );
      return commit.commit?.verification?.verified === true;
    },

    async refSha(repo, ref) {
      const where = at("refSha", repo);
      const { kind, name } = splitRef(ref);
      if (kind === "branch") {
        const branch = await api.jsonOr404<{ commit: { id: string } }>(
          where,
          repoPath(repo, `branches/${escapePath(name)}`),
        );
        return branch?.commit.id;
      }
      // `commit` is the tagged commit, peeled; `id` would be the tag object of an annotated tag.
      const tag = await api.jsonOr404<{ commit: { sha: string } }>(
        where,
        repoPath(repo, `tags/${escapePath(name)}`),
      );
      return tag?.commit.sha;
    },

    // Webhooks name the default branch; a poll, which has no webhook, asks for it.
    async defaultBranch(repo) {
      const where = at("defaultBranch", repo);
      const found = await api.json<{ default_branch: string }>(where, repoPath(repo, "").replace(/\/$/, ""));
      return found.default_branch;
    },

    async listTags(repo) {
      const tags: { name: string; sha: string }[] = [];
      for (let page = 1; ; page++) {
        // `commit.sha` is the tagged commit, annotated tags peeled, as `refSha` reads it.
        const batch = await api.json<{ name: string; commit: { sha: string } }[]>(
          at("listTags", repo),
          repoPath(repo, "tags"),
          { query: { page, limit: TAG_PAGE } },
        );
        for (const t of batch) tags.push({ name: t.name, sha: t.commit.sha });
        if (batch.length < TAG_PAGE) return tags;
      }
    },

    async isAncestor(repo, ancestor, descendant) {
      if (ancestor.toLowerCase() === descendant.toLowerCase()) return true;
      // Gitea reports no ahead/behind status, only commits. `descendant..ancestor` lists those reachable from
      // the ancestor but not from the descendant: none exactly when it is an ancestor. (The `...` form goes
      // through the merge base, and unrelated histories have none: Gitea answers 500.)
      const compare = await api.json<{ total_commits: number }>(
        at("isAncestor", repo),
        repoPath(repo, `compare/${encodeURIComponent(descendant)}..${encodeURIComponent(ancestor)}`),
      );
      return compare.total_commits === 0;
    },
  };
}
