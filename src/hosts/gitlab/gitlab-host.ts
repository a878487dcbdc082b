import type {
  CommitablePipelineStatus,
  MergeRequestNoteSchema,
  OffsetPagination,
  TagSchema,
} from "@gitbeaker/rest";
import { ZakenakError } from "../../errors.js";
import type { CommitState, GitHost, PullRequestInfo, TagListing, TagTip } from "../git-host.js";
import type { RepoRef } from "../host-event.js";
import { extractTarball } from "../shared/extract-tarball.js";
import { fitComment, splitComment, trimText } from "../shared/fit-comment.js";
import { describeCall, redactSecrets } from "../shared/host-error.js";
import { memoizeAsync } from "../shared/memoize-async.js";
import { pickPullRequest } from "../shared/pick-pull-request.js";
import { splitRef } from "../shared/split-ref.js";
import { createGitLabClient } from "./gitlab-client.js";
import { gitLabDetail, gitLabError, gitLabStatus } from "./gitlab-errors.js";
import { gitLabPermission } from "./gitlab-permission.js";

export interface GitLabHostOptions {
  /** The instance URL, e.g. `https://gitlab.example.com` (a trailing `/api/v4` is accepted too). */
  url: string;
  /** A personal, group or project access token with the `api` scope. */
  token: string;
}

/** The largest note GitLab accepts, in characters. */
export const gitLabCommentLimit = 1_000_000;
/** GitLab's limit for a commit status description and for its target_url. */
export const gitLabStatusTextLimit = 255;

/**
 * GitLab has no `error` state. `pending` becomes `running`: the bot sets it when work starts, and GitLab's
 * own `pending` means "queued, not started".
 */
const statusStates: Record<CommitState, CommitablePipelineStatus> = {
  pending: "running",
  success: "success",
  failure: "failed",
  error: "failed",
};

// `locked` is GitLab's transient state while a merge runs: not merged yet, so still open.
const mergeRequestStates: Record<string, PullRequestInfo["state"]> = {
  opened: "open",
  locked: "open",
  merged: "merged",
  closed: "closed",
};

/** The project as the API addresses it: its numeric id when known, else the full path (gitbeaker escapes it). */
function project(repo: RepoRef): string {
  return repo.id ?? repo.fullName;
}

/** A GitLab (gitlab.com or self-managed) adapter over gitbeaker. */
export function createGitLabHost({
  url,
  token,
}: GitLabHostOptions): GitHost & TagListing & { defaultBranch(repo: RepoRef): Promise<string> } {
  const api = createGitLabClient(url, token);

  async function run<T>(call: string, repo: RepoRef | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw gitLabError({ host: "gitlab", call, repo }, error, token);
    }
  }

  /** `fn`'s result, or `fallback` when GitLab answers 404. */
  async function unless404<T, F>(fn: () => Promise<T>, fallback: F): Promise<T | F> {
    try {
      return await fn();
    } catch (error) {
      if (gitLabStatus(error) === 404) return fallback;
      throw error;
    }
  }

  const botUser = memoizeAsync(() =>
    run("botUser", undefined, async () => (await api.users.showCurrentUser()).username),
  );

  return {
    kind: "gitlab",
    commentLimit: gitLabCommentLimit,
    botUser,

    getPullRequest: (repo, iid) =>
      run("getPullRequest", repo, async (): Promise<PullRequestInfo> => {
        const mr = await api.mergeRequests.show(project(repo), iid);
        const tip = await unless404(
          async () => (await api.branches.show(project(repo), mr.target_branch)).commit.id,
          undefined,
        );
        return {
          number: mr.iid,
          headSha: mr.sha,
          headBranch: mr.source_branch,
          baseBranch: mr.target_branch,
          // diff_refs.base_sha is the merge base, not the branch now; it only stands in when the branch is gone.
          baseSha: tip ?? mr.diff_refs?.base_sha ?? "",
          state: mergeRequestStates[mr.state] ?? "closed",
          fromFork: mr.source_project_id !== mr.target_project_id,
        };
      }),

    pullRequestForCommit: (repo, sha) =>
      run("pullRequestForCommit", repo, async () => {
        const mrs = await api.commits.allMergeRequests(project(repo), sha);
        return pickPullRequest(
          sha,
          mrs.map((mr) => ({
            number: mr.iid,
            resultShas: [mr.merge_commit_sha, mr.squash_commit_sha],
            merged: mr.state === "merged",
          })),
        );
      }),

    upsertComment: (repo, iid, marker, body) =>
      run("upsertComment", repo, async () => {
        const text = fitComment(body, gitLabCommentLimit, marker);
        const bot = (await botUser()).toLowerCase();
        // Page by page, so the search stops at the page holding the note.
        for (let page: number | null = 1; page; ) {
          const {
            data,
            paginationInfo,
          }: { data: MergeRequestNoteSchema[]; paginationInfo: OffsetPagination } = await api.notes.all(
            project(repo),
            iid,
            {
              sort: "asc",
              orderBy: "created_at",
              perPage: 100,
              page,
              showExpanded: true,
            },
          );
          const mine = data.find(
            (note) =>
              !note.system && note.body.includes(marker) && note.author.username.toLowerCase() === bot,
          );
          if (mine) {
            if (mine.body !== text) await api.notes.edit(project(repo), iid, mine.id, { body: text });
            return { id: String(mine.id), created: false };
          }
          page = paginationInfo.next;
        }
        const created = await api.notes.create(project(repo), iid, text);
        return { id: String(created.id), created: true };
      }),

    createComment: (repo, iid, body) =>
      run("createComment", repo, async () => {
        for (const part of splitComment(body, gitLabCommentLimit))
          await api.notes.create(project(repo), iid, part);
      }),

    setStatus: (repo, sha, status) =>
      run("setStatus", repo, async () => {
        // A cut URL would be a broken link: one over the limit is left out instead.
        const targetUrl =
          status.targetUrl && status.targetUrl.length <= gitLabStatusTextLimit ? status.targetUrl : undefined;
        try {
          await api.commits.editStatus(project(repo), sha, statusStates[status.state], {
            name: status.context,
            description: trimText(status.description, gitLabStatusTextLimit),
            targetUrl,
          });
        } catch (error) {
          // Re-setting the state a status already has (running -> running) is refused; it is already so.
          if (gitLabStatus(error) === 400 && /cannot transition status/i.test(gitLabDetail(error))) return;
          throw error;
        }
      }),

    getPermission: (repo, user) =>
      run("getPermission", repo, async () => {
        const users = await api.users.all({ username: user });
        const found = users.find((u) => u.username.toLowerCase() === user.toLowerCase());
        if (!found) return "none";
        // members/all counts memberships inherited from groups and shared groups, not only direct ones.
        const member = await unless404(
          () => api.members.show(project(repo), found.id, { includeInherited: true }),
          undefined,
        );
        return member ? gitLabPermission(member.access_level) : "none";
      }),

    downloadArchive: (repo, sha, destDir, limits) =>
      run("downloadArchive", repo, async () => {
        const stream = await api.repositories.showArchive(project(repo), {
          fileType: "tar.gz",
          sha,
          asStream: true,
        });
        const where = { host: "gitlab", call: "downloadArchive", repo } as const;
        await extractTarball(stream, destDir, where, [token], limits);
      }),

    readFile: (repo, ref, path) =>
      run("readFile", repo, async () => {
        const content = await unless404(() => api.files.showRaw(project(repo), path, ref), undefined);
        if (content === undefined || typeof content === "string") return content;
        // gitbeaker hands non-text content types over as a Blob.
        return content.text();
      }),

    isCommitVerified: (repo, sha) =>
      run("isCommitVerified", repo, async () => {
        // 404: the commit carries no signature at all.
        const signature = await unless404(() => api.commits.showGPGSignature(project(repo), sha), undefined);
        return (
          (signature as { verification_status?: string } | undefined)?.verification_status === "verified"
        );
      }),

    refSha: (repo, ref) =>
      run("refSha", repo, async () => {
        const { kind, name } = splitRef(ref);
        // Both answer the commit itself: a tag's `commit` is already peeled (`target` is the tag object).
        const found =
          kind === "branch"
            ? await unless404(() => api.branches.show(project(repo), name), undefined)
            : await unless404(() => api.tags.show(project(repo), name), undefined);
        return found?.commit.id;
      }),

    // Webhooks name the default branch; a poll, which has no webhook, asks for it.
    defaultBranch: (repo) =>
      run("defaultBranch", repo, async () => {
        const found = (await api.projects.show(project(repo))) as { default_branch?: string };
        if (!found.default_branch) {
          throw new ZakenakError("invalid", `${repo.fullName} has no default branch (an empty project)`);
        }
        return found.default_branch;
      }),

    listTags: (repo) =>
      run("listTags", repo, async () => {
        const tips: TagTip[] = [];
        for (let page: number | null = 1; page; ) {
          const { data, paginationInfo }: { data: TagSchema[]; paginationInfo: OffsetPagination } =
            await api.tags.all(project(repo), { perPage: 100, page, showExpanded: true });
          // `commit` is the tagged commit, annotated tags peeled (`target` is the tag object).
          for (const t of data) tips.push({ name: t.name, sha: t.commit.id });
          page = paginationInfo.next;
        }
        return tips;
      }),

    isAncestor: (repo, ancestor, descendant) =>
      run("isAncestor", repo, async () => {
        if (ancestor.toLowerCase() === descendant.toLowerCase()) return true;
        try {
          const base = await api.repositories.mergeBase(project(repo), [ancestor, descendant]);
          return base.id.toLowerCase() === ancestor.toLowerCase();
        } catch (error) {
          // Unrelated histories: "404 Merge Base Not Found" (a missing project says "Project" instead).
          if (gitLabStatus(error) === 404 && /merge base/i.test(gitLabDetail(error))) return false;
          // An unknown commit is a 400 here; the other hosts say 404, and callers act on not-found.
          if (gitLabStatus(error) === 400 && /could not find ref/i.test(gitLabDetail(error))) {
            const where = describeCall({ host: "gitlab", call: "isAncestor", repo });
            const detail = redactSecrets(gitLabDetail(error), [token]);
            throw new ZakenakError("not-found", `${where} failed: ${detail}`);
          }
          throw error;
        }
      }),
  };
}
