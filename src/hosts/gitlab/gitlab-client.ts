import {
  Branches,
  Commits,
  MergeRequestNotes,
  MergeRequests,
  ProjectMembers,
  Projects,
  Repositories,
  RepositoryFiles,
  Tags,
  Users,
} from "@gitbeaker/rest";

/** The gitbeaker resources the GitLab adapter uses, all sharing one host and token. */
export interface GitLabClient {
  users: InstanceType<typeof Users<false>>;
  mergeRequests: InstanceType<typeof MergeRequests<false>>;
  notes: InstanceType<typeof MergeRequestNotes<false>>;
  branches: InstanceType<typeof Branches<false>>;
  commits: InstanceType<typeof Commits<false>>;
  members: InstanceType<typeof ProjectMembers<false>>;
  projects: InstanceType<typeof Projects<false>>;
  repositories: InstanceType<typeof Repositories<false>>;
  files: InstanceType<typeof RepositoryFiles<false>>;
  tags: InstanceType<typeof Tags<false>>;
}

/**
 * The instance URL as gitbeaker wants it: no trailing slash and no /api/v4 (it adds that itself), so both
 * `https://gitlab.example.com/` and `https://gitlab.example.com/api/v4` work as configuration.
 */
export function gitLabInstanceUrl(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/api\/v4$/, "");
}

export function createGitLabClient(url: string, token: string): GitLabClient {
  // gitbeaker's own per-endpoint limits are GitLab.com's, counted per process across every project
  // (archives: 5 a minute), so a busy bot would stall on a self-managed instance that has none. Keep only
  // the overall cap; the server's real limits answer 429, which the queue retries with backoff.
  const options = { host: gitLabInstanceUrl(url), token, rateLimits: { "**": 3000 } };
  return {
    users: new Users(options),
    mergeRequests: new MergeRequests(options),
    notes: new MergeRequestNotes(options),
    branches: new Branches(options),
    commits: new Commits(options),
    members: new ProjectMembers(options),
    projects: new Projects(options),
    repositories: new Repositories(options),
    files: new RepositoryFiles(options),
    tags: new Tags(options),
  };
}
