import { createHash } from "node:crypto";
import { ZakenakError } from "../../errors.js";
import type { CommitState, GitHost, PullRequestInfo } from "../git-host.js";
import type { RepoRef } from "../host-event.js";
import { extractTarball } from "../shared/extract-tarball.js";
import { fitComment, splitComment, trimText } from "../shared/fit-comment.js";
import { describeCall, type HostCall } from "../shared/host-error.js";
import { memoizeAsync } from "../shared/memoize-async.js";
import { pickPullRequest } from "../shared/pick-pull-request.js";
import { escapePath, ownerAndName } from "../shared/repo-path.js";
import { splitRef } from "../shared/split-ref.js";
import { createBitbucketServerApi } from "./bitbucket-server-api.js";
import { bitbucketServerComments } from "./bitbucket-server-comments.js";
import { bitbucketServerDefaultBranch } from "./bitbucket-server-default-branch.js";
import { bitbucketServerPermission } from "./bitbucket-server-permission.js";

export interface BitbucketServerHostOptions {
  /** The instance URL with its context path, e.g. `https://host/bitbucket`. */
  url: string;
  /** An HTTP access token (project or repository: read and write; or a user's), sent as Bearer. */
  token: string;
}

/** Bitbucket refuses comments of 32,768 characters or more ("must be less than 32768 characters"). */
export const bitbucketServerCommentLimit = 32_767;
/** The build status fields' documented maximum lengths. */
const KEY_LIMIT = 255;
const URL_LIMIT = 450;
const TEXT_LIMIT = 255;

// Bitbucket's build states have no separate error: a status that errored failed.
const buildStates: Record<CommitState, "INPROGRESS" | "SUCCESSFUL" | "FAILED"> = {
  pending: "INPROGRESS",
  success: "SUCCESSFUL",
  failure: "FAILED",
  error: "FAILED",
};

const pullRequestStates: Record<string, PullRequestInfo["state"]> = {
  OPEN: "open",
  MERGED: "merged",
  DECLINED: "closed",
};

interface PullRequestRef {
  id: string;
  displayId: string;
  latestCommit: string;
  repository: { id: number };
}

interface PullRequest {
  id: number;
  state: string;
  fromRef: PullRequestRef;
  toRef: PullRequestRef;
  properties?: { mergeCommit?: { id?: string } };
}

interface Ref {
  id: string;
  latestCommit: string;
}

/** The project key and slug of a `PROJECT/repo` full name, and the API path of the repository. */
function repository(repo: RepoRef) {
  const { owner: projectKey, name: slug } = ownerAndName(repo);
  const path = `projects/${encodeURIComponent(projectKey)}/repos/${encodeURIComponent(slug)}`;
  return { projectKey, slug, path };
}

/**
 * A Bitbucket Server / Data Center adapter over fetch and the core REST API. Beyond `GitHost` it tells a
 * repository's default branch, which the webhooks leave out.
 */
export function createBitbucketServerHost({
  url,
  token,
}: BitbucketServerHostOptions): GitHost & { defaultBranch(repo: RepoRef): Promise<string> } {
  const api = createBitbucketServerApi(url, token);
  const at = (call: string, repo?: RepoRef): HostCall => ({ host: "bitbucket-server", call, repo });

  // There is no "current user" resource: Bitbucket names the signed-in user in a header of every answer.
  const botUser = memoizeAsync(async () => {
    const where = at("botUser");
    const response = await api.response(where, "application-properties");
    await response.body?.cancel();
    const name = response.headers.get("x-ausername");
    if (!name) throw new ZakenakError("unauthorized", `${describeCall(where)}: the token signs in no user`);
    return name;
  });

  /** Where a branch (full ref) points now; the branch listing is searched, as there is no by-name lookup. */
  async function branchTip(where: HostCall, repo: RepoRef, ref: string): Promise<string | undefined> {
    const { path } = repository(repo);
    const name = ref.replace(/^refs\/heads\//, "");
    const found = await api.find<Ref>(where, `${path}/branches`, (b) => b.id === ref, {
      filterText: name,
      // Exact and prefix matches first: the branch is on the first page unless thousands share its name.
      boostMatches: true,
    });
    return found?.latestCommit;
  }

  return {
    kind: "bitbucket-server",
    commentLimit: bitbucketServerCommentLimit,
    botUser,
    defaultBranch: bitbucketServerDefaultBranch(api, at, (repo) => repository(repo).path),

    async getPullRequest(repo, number): Promise<PullRequestInfo> {
      const where = at("getPullRequest", repo);
      const pr = await api.json<PullRequest>(where, `${repository(repo).path}/pull-requests/${number}`);
      const tip = await branchTip(where, repo, pr.toRef.id);
      return {
        number: pr.id,
        headSha: pr.fromRef.latestCommit,
        headBranch: pr.fromRef.displayId,
        baseBranch: pr.toRef.displayId,
        // The branch's tip now; the pull request's own view only stands in when the branch is gone.
        baseSha: tip ?? pr.toRef.latestCommit,
        state: pullRequestStates[pr.state] ?? "closed",
        fromFork: pr.fromRef.repository.id !== pr.toRef.repository.id,
      };
    },

    async pullRequestForCommit(repo, sha) {
      const where = at("pullRequestForCommit", repo);
      const candidates: PullRequest[] = [];
      // Every page: the merged pull request may come after open ones that also contain the commit.
      await api.find<PullRequest>(
        where,
        `${repository(repo).path}/commits/${encodeURIComponent(sha)}/pull-requests`,
        (pr) => {
          candidates.push(pr);
          return false;
        },
      );
      return pickPullRequest(
        sha,
        candidates.map((pr) => ({
          number: pr.id,
          resultShas: [pr.properties?.mergeCommit?.id],
          merged: pr.state === "MERGED",
        })),
      );
    },

    async upsertComment(repo, number, marker, body) {
      const where = at("upsertComment", repo);
      const text = fitComment(body, bitbucketServerCommentLimit, marker);
      const comments = bitbucketServerComments(
        api,
        where,
        `${repository(repo).path}/pull-requests/${number}`,
      );
      const mine = await comments.find(await botUser(), marker);
      if (mine) {
        if (mine.text !== text) await comments.edit(mine, text);
        return { id: String(mine.id), created: false };
      }
      const created = await comments.create(text);
      return { id: String(created.id), created: true };
    },

    async createComment(repo, number, body) {
      const where = at("createComment", repo);
      const comments = bitbucketServerComments(
        api,
        where,
        `${repository(repo).path}/pull-requests/${number}`,
      );
      for (const part of splitComment(body, bitbucketServerCommentLimit)) await comments.create(part);
    },

    async setStatus(repo, sha, status) {
      const { path } = repository(repo);
      // The key is the status's identity: posting the same key again replaces it. Longer contexts are hashed.
      const key =
        status.context.length <= KEY_LIMIT
          ? status.context
          : createHash("sha1").update(status.context).digest("hex");
      // `url` is required; without a usable link of its own the status points at the commit in Bitbucket.
      const url =
        status.targetUrl && status.targetUrl.length <= URL_LIMIT
          ? status.targetUrl
          : `${api.instance}/${path}/commits/${encodeURIComponent(sha)}`;
      await api.json(at("setStatus", repo), `${path}/commits/${encodeURIComponent(sha)}/builds`, {
        method: "POST",
        body: {
          key,
          state: buildStates[status.state],
          name: trimText(status.context, TEXT_LIMIT),
          description: trimText(status.description, TEXT_LIMIT),
          url,
        },
      });
    },

    getPermission: (repo, user) =>
      bitbucketServerPermission(api, at("getPermission", repo), repository(repo), user),

    async downloadArchive(repo, sha, destDir, limits) {
      const where = at("downloadArchive", repo);
      const { path, slug } = repository(repo);
      const response = await api.response(where, `${path}/archive`, {
        // Without a prefix the files sit at the archive's root; the extraction strips one directory.
        query: { at: sha, format: "tgz", prefix: `${slug}-${sha.slice(0, 12)}` },
      });
      if (!response.body)
        throw new ZakenakError("host-error", `${describeCall(where)}: the archive is empty`);
      await extractTarball(response.body, destDir, where, [token], limits);
    },

    async readFile(repo, ref, path) {
      const response = await api.responseOr404(
        at("readFile", repo),
        `${repository(repo).path}/raw/${escapePath(path)}`,
        { query: { at: ref } },
      );
      return response?.text();
    },

    // The REST API reports no signature verification for commits (only GPG key management), so no commit
    // counts as verified: a policy requiring signed commits refuses every commit on this host.
    isCommitVerified: async () => false,

    async refSha(repo, ref) {
      const where = at("refSha", repo);
      const { kind, name } = splitRef(ref);
      if (kind === "branch") return branchTip(where, repo, ref);
      // `latestCommit` is the tagged commit, peeled; `hash` would be an annotated tag's own object.
      const tag = await api.jsonOr404<Ref>(where, `${repository(repo).path}/tags/${escapePath(name)}`);
      return tag?.latestCommit;
    },

    async isAncestor(repo, ancestor, descendant) {
      if (ancestor.toLowerCase() === descendant.toLowerCase()) return true;
      // The commits reachable from the ancestor but not from the descendant (git's descendant..ancestor):
      // none exactly when it is an ancestor. An unknown commit is a 404, which callers act on.
      const page = await api.json<{ values: unknown[] }>(
        at("isAncestor", repo),
        `${repository(repo).path}/commits`,
        {
          query: { since: descendant, until: ancestor, limit: 1 },
        },
      );
      return page.values.length === 0;
    },
  };
}
