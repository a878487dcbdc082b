import { ZakenakError } from "../../errors.js";
import type { RepoRef } from "../host-event.js";
import { describeCall, type HostCall } from "../shared/host-error.js";
import type { BitbucketServerApi } from "./bitbucket-server-api.js";

/** How long a repository's default branch is trusted without asking again (it decides whose policy rules). */
const TTL_MS = 5 * 60 * 1000;

/**
 * The default branch of a repository, which Bitbucket's webhooks do not carry, read from the repository's
 * configured default branch and kept for a few minutes. Servers older than the `default-branch` resource
 * answer 404 there; the deprecated `branches/default` answers for them.
 */
export function bitbucketServerDefaultBranch(
  api: BitbucketServerApi,
  at: (call: string, repo: RepoRef) => HostCall,
  repoPath: (repo: RepoRef) => string,
): (repo: RepoRef) => Promise<string> {
  const known = new Map<string, { name: string; until: number }>();
  return async (repo) => {
    const cached = known.get(repo.fullName);
    if (cached && cached.until > Date.now()) return cached.name;
    const where = at("defaultBranch", repo);
    const ref =
      (await api.jsonOr404<{ displayId?: string }>(where, `${repoPath(repo)}/default-branch`)) ??
      (await api.json<{ displayId?: string } | undefined>(where, `${repoPath(repo)}/branches/default`));
    const name = ref?.displayId;
    if (!name)
      throw new ZakenakError("invalid", `${describeCall(where)}: the repository has no default branch`);
    known.set(repo.fullName, { name, until: Date.now() + TTL_MS });
    return name;
  };
}
