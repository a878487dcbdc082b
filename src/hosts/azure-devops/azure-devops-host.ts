import { ZakenakError } from "../../errors.js";
import type { CommitState, GitHost, PullRequestInfo } from "../git-host.js";
import type { RepoRef } from "../host-event.js";
import { fitComment, splitComment } from "../shared/fit-comment.js";
import { describeCall, type HostCall } from "../shared/host-error.js";
import { memoizeAsync } from "../shared/memoize-async.js";
import { splitRef } from "../shared/split-ref.js";
import { type AzureDevOpsApi, createAzureDevOpsApi } from "./azure-devops-api.js";
import type { AzureDevOpsEnv } from "./azure-devops-env.js";
import { azureDevOpsPermission } from "./azure-devops-permission.js";
import { extractZip } from "./extract-zip.js";

/** Azure DevOps refuses pull request comments longer than this. */
export const azureDevOpsCommentLimit = 150_000;

const statusStates: Record<CommitState, "pending" | "succeeded" | "failed" | "error"> = {
  pending: "pending",
  success: "succeeded",
  failure: "failed",
  error: "error",
};

interface AzurePull {
  pullRequestId: number;
  status: "active" | "abandoned" | "completed" | string;
  sourceRefName: string;
  targetRefName: string;
  lastMergeSourceCommit: { commitId: string };
  lastMergeTargetCommit?: { commitId: string };
  /** Set when the source branch lives in a fork. */
  forkSource?: { repository?: { id?: string } } | null;
}

interface AzureThread {
  id: number;
  comments?: { id: number; content?: string; isDeleted?: boolean; author?: { id?: string } }[];
}

interface AzureRef {
  name: string;
  objectId: string;
  peeledObjectId?: string;
}

/** How many pull request heads setStatus remembers, to post pull request statuses next to commit ones. */
const REMEMBERED_HEADS = 1000;

function projectAndName(repo: RepoRef): { project: string; name: string } {
  const parts = repo.fullName.split("/");
  const [project, name] = parts;
  const bad = (s: string | undefined) => !s || s === "." || s === "..";
  if (parts.length !== 2 || bad(project) || bad(name)) {
    throw new ZakenakError("invalid", `repository "${repo.fullName}" is not of the form project/repository`);
  }
  return { project: project as string, name: name as string };
}

/**
 * `{project}/_apis/git/repositories/{name}/` + rest. The repository goes by the name the allowlist checked,
 * not by the id the payload carried, so the two can never disagree.
 */
function repoPath(repo: RepoRef, rest: string): string {
  const { project, name } = projectAndName(repo);
  return `${encodeURIComponent(project)}/_apis/git/repositories/${encodeURIComponent(name)}/${rest}`;
}

const branchOf = (ref: string) => ref.replace(/^refs\/heads\//, "");
const isSha = (ref: string) => /^[0-9a-f]{40}$/i.test(ref);

/** An Azure DevOps (Services, or Server 2020 and later) adapter over fetch, at the configured collection. */
export function createAzureDevOpsHost(settings: AzureDevOpsEnv, api?: AzureDevOpsApi): GitHost {
  const rest = api ?? createAzureDevOpsApi(settings.url, settings.token, settings.apiVersion);
  const at = (call: string, repo?: RepoRef): HostCall => ({ host: "azure-devops", call, repo });
  // Pull request heads seen by getPullRequest: their statuses also go on the pull request, where branch
  // policies read them.
  const heads = new Map<string, number>();
  const headKey = (repo: RepoRef, sha: string) => `${repo.fullName.toLowerCase()}@${sha.toLowerCase()}`;

  const me = memoizeAsync(async () => {
    const data = await rest.json<{
      authenticatedUser: {
        id: string;
        providerDisplayName?: string;
        properties?: { Account?: { $value?: string } };
      };
    }>(at("botUser"), "_apis/connectionData", { preview: "-preview" });
    const user = data.authenticatedUser;
    return { id: user.id, name: user.properties?.Account?.$value ?? user.providerDisplayName ?? user.id };
  });

  async function refSha(repo: RepoRef, ref: string): Promise<string | undefined> {
    const { kind, name } = splitRef(ref);
    const filter = `${kind === "branch" ? "heads" : "tags"}/${name}`;
    // The filter is a prefix (heads/dev also finds heads/develop): only the exact name counts.
    const refs = await rest.json<{ value: AzureRef[] }>(at("refSha", repo), repoPath(repo, "refs"), {
      query: { filter, peelTags: true },
    });
    const found = refs.value.find((r) => r.name === ref);
    return found ? (found.peeledObjectId ?? found.objectId) : undefined;
  }

  async function newThread(repo: RepoRef, number: number, content: string, call: string) {
    return rest.json<AzureThread>(at(call, repo), repoPath(repo, `pullRequests/${number}/threads`), {
      method: "POST",
      body: { comments: [{ parentCommentId: 0, content, commentType: 1 }], status: 1 },
    });
  }

  return {
    kind: "azure-devops",
    commentLimit: azureDevOpsCommentLimit,
    botUser: async () => (await me()).name,

    async getPullRequest(repo, number): Promise<PullRequestInfo> {
      const pr = await rest.json<AzurePull>(
        at("getPullRequest", repo),
        repoPath(repo, `pullrequests/${number}`),
      );
      const baseBranch = branchOf(pr.targetRefName);
      const tip = await refSha(repo, `refs/heads/${baseBranch}`);
      const headSha = pr.lastMergeSourceCommit.commitId;
      if (pr.status === "active") {
        if (heads.size >= REMEMBERED_HEADS) heads.delete(heads.keys().next().value as string);
        heads.set(headKey(repo, headSha), pr.pullRequestId);
      }
      return {
        number: pr.pullRequestId,
        headSha,
        headBranch: branchOf(pr.sourceRefName),
        baseBranch,
        baseSha: tip ?? pr.lastMergeTargetCommit?.commitId ?? "",
        state: pr.status === "completed" ? "merged" : pr.status === "active" ? "open" : "closed",
        fromFork: pr.forkSource != null,
      };
    },

    async pullRequestForCommit(repo, sha) {
      // Merged as this commit first, then any pull request that contains it.
      const answer = await rest.json<{ results?: Record<string, { pullRequestId: number }[]>[] }>(
        at("pullRequestForCommit", repo),
        repoPath(repo, "pullrequestquery"),
        {
          method: "POST",
          body: {
            queries: [
              { type: "lastMergeCommit", items: [sha] },
              { type: "commit", items: [sha] },
            ],
          },
        },
      );
      for (const result of answer.results ?? []) {
        const found = Object.entries(result).find(([key]) => key.toLowerCase() === sha.toLowerCase())?.[1];
        if (found?.[0]) return found[0].pullRequestId;
      }
      return undefined;
    },

    async upsertComment(repo, number, marker, body) {
      const where = at("upsertComment", repo);
      const text = fitComment(body, azureDevOpsCommentLimit, marker);
      const bot = await me();
      const threads = await rest.json<{ value: AzureThread[] }>(
        where,
        repoPath(repo, `pullRequests/${number}/threads`),
      );
      for (const thread of threads.value) {
        const mine = thread.comments?.find(
          (c) => !c.isDeleted && c.author?.id === bot.id && (c.content ?? "").includes(marker),
        );
        if (!mine) continue;
        if (mine.content !== text) {
          await rest.json(
            where,
            repoPath(repo, `pullRequests/${number}/threads/${thread.id}/comments/${mine.id}`),
            {
              method: "PATCH",
              body: { content: text },
            },
          );
        }
        return { id: String(mine.id), created: false };
      }
      const created = await newThread(repo, number, text, "upsertComment");
      return { id: String(created.comments?.[0]?.id ?? created.id), created: true };
    },

    async createComment(repo, number, body) {
      for (const part of splitComment(body, azureDevOpsCommentLimit)) {
        await newThread(repo, number, part, "createComment");
      }
    },

    async setStatus(repo, sha, status) {
      const where = at("setStatus", repo);
      const body = {
        state: statusStates[status.state],
        description: status.description,
        ...(status.targetUrl ? { targetUrl: status.targetUrl } : {}),
        context: { genre: "zakenak", name: status.context },
      };
      // Both append: the newest status of a context is the one that counts.
      await rest.json(where, repoPath(repo, `commits/${encodeURIComponent(sha)}/statuses`), {
        method: "POST",
        body,
      });
      const number = heads.get(headKey(repo, sha));
      if (number !== undefined) {
        await rest.json(where, repoPath(repo, `pullRequests/${number}/statuses`), {
          method: "POST",
          body,
          preview: "-preview",
        });
      }
    },

    getPermission: (repo, user) =>
      azureDevOpsPermission(
        rest,
        at("getPermission", repo),
        projectAndName(repo).project,
        settings.writersGroup,
        user,
      ),

    async downloadArchive(repo, sha, destDir, limits) {
      const where = at("downloadArchive", repo);
      const response = await rest.responseOr404(where, repoPath(repo, "items"), {
        query: {
          path: "/",
          "versionDescriptor.version": sha,
          "versionDescriptor.versionType": "commit",
          $format: "zip",
          download: true,
        },
      });
      if (!response?.body)
        throw new ZakenakError("not-found", `${describeCall(where)}: no archive of ${sha}`);
      await extractZip(response.body, destDir, where, limits);
    },

    async readFile(repo, ref, path) {
      const response = await rest.responseOr404(at("readFile", repo), repoPath(repo, "items"), {
        query: {
          path: `/${path.replace(/^\/+/, "")}`,
          "versionDescriptor.version": isSha(ref) ? ref : branchOf(ref),
          "versionDescriptor.versionType": isSha(ref) ? "commit" : "branch",
          $format: "octetStream",
        },
      });
      return response?.text();
    },

    // Azure DevOps does not verify commit signatures, so no commit counts as verified.
    isCommitVerified: async () => false,

    refSha,

    async isAncestor(repo, ancestor, descendant) {
      if (ancestor.toLowerCase() === descendant.toLowerCase()) return true;
      const bases = await rest.json<{ value: { commitId: string }[] }>(
        at("isAncestor", repo),
        repoPath(repo, `commits/${encodeURIComponent(ancestor)}/mergebases`),
        { query: { otherCommitId: descendant }, preview: "-preview" },
      );
      return bases.value.some((b) => b.commitId.toLowerCase() === ancestor.toLowerCase());
    },

    // Used when an event did not carry the default branch (see repository-policy.ts).
    async defaultBranch(repo: RepoRef): Promise<string> {
      const answer = await rest.json<{ defaultBranch?: string }>(
        at("defaultBranch", repo),
        repoPath(repo, "").replace(/\/$/, ""),
      );
      if (!answer.defaultBranch) {
        throw new ZakenakError("invalid", `${repo.fullName} has no default branch`);
      }
      return branchOf(answer.defaultBranch);
    },
  } as GitHost;
}
