/**
 * Webhook payloads and REST answers shaped like Bitbucket Server / Data Center's, with the fields its event
 * payload and REST documentation list, trimmed to a realistic subset.
 */
export const projectKey = "PLAT";
export const slug = "deployments";
export const fullName = `${projectKey}/${slug}`;
/** The repository's API path under the REST base. */
export const repoApi = `/rest/api/latest/projects/${projectKey}/repos/${slug}`;
export const headSha = "4c1f0e2d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e";
export const developTip = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d";
export const mergeSha = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";

const REPO_ID = 31;

export function bbsUser(name: string, id = 101, type = "NORMAL") {
  return {
    name,
    emailAddress: `${name}@example.com`,
    active: true,
    displayName: name.replace(/^./, (c) => c.toUpperCase()),
    id,
    slug: name.toLowerCase(),
    type,
  };
}

export function bbsRepository({ key = projectKey, repo = slug, id = REPO_ID } = {}) {
  return {
    slug: repo,
    id,
    name: repo,
    hierarchyId: "e3c939f9ef4a7fae272e",
    scmId: "git",
    state: "AVAILABLE",
    statusMessage: "Available",
    forkable: true,
    project: { key, id: 3, name: "Platform", public: false, type: "NORMAL" },
    public: false,
    archived: false,
  };
}

function prRef(branch: string, latestCommit: string, repository = bbsRepository()) {
  return { id: `refs/heads/${branch}`, displayId: branch, latestCommit, type: "BRANCH", repository };
}

export interface PullRequestShape {
  id?: number;
  state?: "OPEN" | "MERGED" | "DECLINED";
  head?: string;
  headBranch?: string;
  base?: string;
  baseBranch?: string;
  /** The repository the head branch lives in (a fork when it differs). */
  fromRepository?: ReturnType<typeof bbsRepository>;
  mergeCommit?: string;
}

/** A pull request as the REST API and the webhooks carry it. */
export function bbsPullRequest({
  id = 12,
  state = "OPEN",
  head = headSha,
  headBranch = "feature-green",
  base = developTip,
  baseBranch = "develop",
  fromRepository = bbsRepository(),
  mergeCommit,
}: PullRequestShape = {}) {
  return {
    id,
    version: 2,
    title: "Make it green",
    description: "",
    state,
    open: state === "OPEN",
    closed: state !== "OPEN",
    draft: false,
    createdDate: 1_767_000_000_000,
    updatedDate: 1_767_000_100_000,
    fromRef: prRef(headBranch, head, fromRepository),
    toRef: prRef(baseBranch, base),
    locked: false,
    author: { user: bbsUser("dana"), role: "AUTHOR", approved: false, status: "UNAPPROVED" },
    reviewers: [],
    participants: [],
    ...(mergeCommit
      ? { properties: { mergeCommit: { displayId: mergeCommit.slice(0, 11), id: mergeCommit } } }
      : {}),
  };
}

/** `pr:opened`, `pr:from_ref_updated`, `pr:merged`, `pr:declined`, `pr:deleted`. */
export function pullRequestPayload(eventKey: string, pr: PullRequestShape = {}, actor = "dana") {
  return {
    eventKey,
    date: "2026-01-26T19:01:12+0000",
    actor: bbsUser(actor),
    pullRequest: bbsPullRequest(pr),
    ...(eventKey === "pr:from_ref_updated" ? { previousFromHash: developTip } : {}),
  };
}

/** `pr:comment:added`. */
export function commentPayload({ number = 12, id = 2044, text = "/plan", author = bbsUser("dana") } = {}) {
  return {
    eventKey: "pr:comment:added",
    date: "2026-01-26T19:05:00+0000",
    actor: author,
    pullRequest: bbsPullRequest({ id: number }),
    comment: {
      properties: { repositoryId: REPO_ID },
      id,
      version: 0,
      text,
      author,
      createdDate: 1_767_000_300_000,
      updatedDate: 1_767_000_300_000,
      comments: [],
      tasks: [],
    },
  };
}

export interface RefChange {
  ref: string;
  from?: string;
  to?: string;
  type?: "ADD" | "UPDATE" | "DELETE";
}

/** `repo:refs_changed`, one entry in `changes` per ref. */
export function refsChangedPayload(changes: RefChange[], actor = "dana") {
  const zero = "0".repeat(40);
  return {
    eventKey: "repo:refs_changed",
    date: "2026-01-26T19:10:00+0000",
    actor: bbsUser(actor),
    repository: bbsRepository(),
    changes: changes.map(({ ref, from = zero, to = zero, type = "UPDATE" }) => ({
      ref: {
        id: ref,
        displayId: ref.replace(/^refs\/(heads|tags)\//, ""),
        type: ref.startsWith("refs/tags/") ? "TAG" : "BRANCH",
      },
      refId: ref,
      fromHash: from,
      toHash: to,
      type,
    })),
  };
}

/** One page of a paged REST answer. */
export function page<T>(values: T[], { start = 0, last = true }: { start?: number; last?: boolean } = {}) {
  return {
    size: values.length,
    limit: 100,
    start,
    isLastPage: last,
    values,
    ...(last ? {} : { nextPageStart: start + values.length }),
  };
}

export function bbsBranch(name: string, latestCommit: string, isDefault = false) {
  return {
    id: `refs/heads/${name}`,
    displayId: name,
    type: "BRANCH",
    latestCommit,
    latestChangeset: latestCommit,
    isDefault,
  };
}

export function bbsComment(
  id: number,
  text: string,
  author = bbsUser("zakenak-bot", 900, "SERVICE"),
  version = 0,
) {
  return {
    id,
    version,
    text,
    author,
    createdDate: 1_767_000_400_000,
    updatedDate: 1_767_000_400_000,
    comments: [],
  };
}

/** A `COMMENTED` activity of a pull request, as the activities listing returns it. */
export function commentActivity(comment: ReturnType<typeof bbsComment>) {
  return {
    id: comment.id + 50_000,
    createdDate: comment.createdDate,
    user: comment.author,
    action: "COMMENTED",
    commentAction: "ADDED",
    comment,
  };
}
