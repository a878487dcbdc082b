import { ZakenakError } from "../../errors.js";
import type { GitHost, PullRequestInfo } from "../git-host.js";
import type { RepoRef } from "../host-event.js";
import { extractTarball } from "../shared/extract-tarball.js";
import { describeCall, type HostCall } from "../shared/host-error.js";
import { memoizeAsync } from "../shared/memoize-async.js";
import { pickPullRequest } from "../shared/pick-pull-request.js";
import { escapePath, ownerAndName } from "../shared/repo-path.js";
import { splitRef } from "../shared/split-ref.js";
import { accountName, type BitbucketAccount } from "./bitbucket-cloud-account.js";
import { createBitbucketCloudApi } from "./bitbucket-cloud-api.js";
import { bitbucketCloudCommentLimit, bitbucketCloudComments } from "./bitbucket-cloud-comments.js";
import type { BitbucketCloudEnv } from "./bitbucket-cloud-env.js";
import { bitbucketRepoPath, bitbucketWebBase } from "./bitbucket-cloud-paths.js";
import { bitbucketCloudPermission } from "./bitbucket-cloud-permission.js";
import { statusBody } from "./bitbucket-cloud-status.js";
import { resolveBitbucketCommit } from "./resolve-bitbucket-cloud-commit.js";

interface BitbucketPullRequest {
  id: number;
  state: "OPEN" | "MERGED" | "DECLINED" | "SUPERSEDED";
  source: PullRequestSide;
  destination: PullRequestSide;
  merge_commit?: { hash?: string } | null;
}

interface PullRequestSide {
  branch: { name: string };
  /** 12 characters. */
  commit: { hash: string } | null;
  /** Null once a fork is deleted. */
  repository: { full_name: string; uuid?: string } | null;
}

interface Ref {
  target: { hash: string };
}

/** How long a repository's default branch is trusted without asking again (it decides whose policy rules). */
const DEFAULT_BRANCH_TTL_MS = 5 * 60 * 1000;

/** A Bitbucket Cloud adapter over fetch, plus the default branch its webhooks do not carry. */
export function createBitbucketCloudHost({
  apiUrl,
  auth,
}: Pick<BitbucketCloudEnv, "apiUrl" | "auth">): GitHost & { defaultBranch(repo: RepoRef): Promise<string> } {
  const api = createBitbucketCloudApi(apiUrl, auth);
  const webBase = bitbucketWebBase(apiUrl);
  const at = (call: string, repo?: RepoRef): HostCall => ({ host: "bitbucket", call, repo });
  const path = bitbucketRepoPath;
  const branchPath = (repo: RepoRef, name: string) => path(repo, `refs/branches/${escapePath(name)}`);

  const botUser = memoizeAsync(async () =>
    accountName(await api.json<BitbucketAccount>(at("botUser"), "user")),
  );
  const defaultBranches = new Map<string, { name: string; until: number }>();

  async function expand(where: HostCall, fullName: string, hash: string | undefined): Promise<string> {
    const sha = hash ? await resolveBitbucketCommit(api, where, fullName, hash) : undefined;
    if (!sha)
      throw new ZakenakError("not-found", `${describeCall(where)}: commit ${hash} not found in ${fullName}`);
    return sha;
  }

  async function commitExists(where: HostCall, repo: RepoRef, sha: string): Promise<boolean> {
    return (await resolveBitbucketCommit(api, where, repo.fullName, sha.slice(0, 12))) !== undefined;
  }

  return {
    kind: "bitbucket",
    commentLimit: bitbucketCloudCommentLimit,
    botUser,

    async defaultBranch(repo) {
      const cached = defaultBranches.get(repo.fullName);
      if (cached && cached.until > Date.now()) return cached.name;
      const where = at("defaultBranch", repo);
      const found = await api.json<{ mainbranch?: { name?: string } | null }>(where, path(repo), {
        query: { fields: "mainbranch.name" },
      });
      const name = found.mainbranch?.name;
      if (!name)
        throw new ZakenakError("invalid", `${describeCall(where)}: the repository has no main branch`);
      defaultBranches.set(repo.fullName, { name, until: Date.now() + DEFAULT_BRANCH_TTL_MS });
      return name;
    },

    async getPullRequest(repo, number): Promise<PullRequestInfo> {
      const where = at("getPullRequest", repo);
      const pr = await api.json<BitbucketPullRequest>(where, path(repo, `pullrequests/${number}`));
      // A fork's commits are in the fork until merged.
      const headRepo = pr.source.repository?.full_name ?? repo.fullName;
      const headSha = await expand(where, headRepo, pr.source.commit?.hash);
      const tip = await api.jsonOr404<Ref>(where, branchPath(repo, pr.destination.branch.name));
      const destination = pr.destination.repository;
      return {
        number: pr.id,
        headSha,
        headBranch: pr.source.branch.name,
        baseBranch: pr.destination.branch.name,
        // The branch's tip now; the pull request's own base commit only stands in when the branch is gone.
        baseSha: tip?.target.hash ?? (await expand(where, repo.fullName, pr.destination.commit?.hash)),
        state: pr.state === "OPEN" ? "open" : pr.state === "MERGED" ? "merged" : "closed",
        fromFork:
          !pr.source.repository ||
          (pr.source.repository.uuid && destination?.uuid
            ? pr.source.repository.uuid !== destination.uuid
            : pr.source.repository.full_name.toLowerCase() !== repo.fullName.toLowerCase()),
      };
    },

    async pullRequestForCommit(repo, sha) {
      // 404: the commit is unknown or Bitbucket's commit-to-pull-request index is not set up; 202: indexing.
      const response = await api.responseOr404(
        at("pullRequestForCommit", repo),
        path(repo, `commit/${encodeURIComponent(sha)}/pullrequests`),
        { query: { pagelen: 50 } },
      );
      if (!response || response.status === 202) return undefined;
      const page = (await response.json()) as { values?: BitbucketPullRequest[] };
      return pickPullRequest(
        sha,
        (page.values ?? []).map((pr) => {
          // Merge commits come as 12 characters too.
          const merge = pr.merge_commit?.hash?.toLowerCase();
          return {
            number: pr.id,
            resultShas: [merge && sha.toLowerCase().startsWith(merge) ? sha : merge],
            merged: pr.state === "MERGED",
          };
        }),
      );
    },

    ...bitbucketCloudComments(api, botUser),

    async setStatus(repo, sha, status) {
      const { owner, name } = ownerAndName(repo);
      const commitUrl = `https://bitbucket.org/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/commits/${sha}`;
      await api.json(at("setStatus", repo), path(repo, `commit/${encodeURIComponent(sha)}/statuses/build`), {
        method: "POST",
        body: statusBody(status, commitUrl),
      });
    },

    getPermission: (repo, user) => bitbucketCloudPermission(api, repo, user),

    async downloadArchive(repo, sha, destDir, limits) {
      const where = at("downloadArchive", repo);
      const { owner, name } = ownerAndName(repo);
      // Archives are not in REST 2.0: the web host serves them to the same credentials.
      const url = `${webBase}/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/get/${encodeURIComponent(sha)}.tar.gz`;
      const response = await api.download(where, url);
      if (!response.body)
        throw new ZakenakError("host-error", `${describeCall(where)}: the archive is empty`);
      await extractTarball(response.body, destDir, where, api.secrets, limits);
    },

    async readFile(repo, ref, file) {
      const where = at("readFile", repo);
      let commitish = ref;
      // `src/{ref}/{path}` cannot tell a branch with a slash from a path: such a branch is read at its tip.
      if (ref.includes("/")) {
        const branch = await api.jsonOr404<Ref>(where, branchPath(repo, ref));
        if (!branch) return undefined;
        commitish = branch.target.hash;
      }
      const response = await api.responseOr404(
        where,
        path(repo, `src/${encodeURIComponent(commitish)}/${escapePath(file)}`),
      );
      return response?.text();
    },

    // Bitbucket Cloud reports no signature verification of commits: requireSignedCommits cannot be met.
    isCommitVerified: async () => false,

    async refSha(repo, ref) {
      const { kind, name } = splitRef(ref);
      const found = await api.jsonOr404<Ref>(
        at("refSha", repo),
        path(repo, `refs/${kind === "branch" ? "branches" : "tags"}/${escapePath(name)}`),
      );
      // A tag's target is the tagged commit, annotated tags included.
      return found?.target.hash;
    },

    async isAncestor(repo, ancestor, descendant) {
      if (ancestor.toLowerCase() === descendant.toLowerCase()) return true;
      const where = at("isAncestor", repo);
      const spec = `${encodeURIComponent(ancestor)}..${encodeURIComponent(descendant)}`;
      const base = await api.jsonOr404<{ hash?: string }>(where, path(repo, `merge-base/${spec}`));
      if (base?.hash) {
        const hash = base.hash.toLowerCase();
        return hash.length >= 12 && ancestor.toLowerCase().startsWith(hash);
      }
      // 404: an unknown commit, or histories without a common ancestor.
      for (const sha of [ancestor, descendant]) {
        if (!(await commitExists(where, repo, sha))) {
          throw new ZakenakError("not-found", `${describeCall(where)} failed: commit ${sha} not found`);
        }
      }
      return false;
    },
  };
}
