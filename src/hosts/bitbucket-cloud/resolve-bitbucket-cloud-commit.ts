import { ZakenakError } from "../../errors.js";
import { describeCall, type HostCall } from "../shared/host-error.js";
import type { BitbucketCloudApi } from "./bitbucket-cloud-api.js";
import { bitbucketRepoPath } from "./bitbucket-cloud-paths.js";

const FULL_SHA = /^[0-9a-f]{40}$/i;

/**
 * The full sha of a commit Bitbucket gave by its 12-character hash (pull request payloads and the pull
 * request API): statuses, archives and the plan are keyed by full shas, and git cannot fetch a short one.
 * `fullName` is the repository holding the commit (a fork's for a pull request from a fork). Undefined when
 * the commit is not there (404).
 */
export async function resolveBitbucketCommit(
  api: BitbucketCloudApi,
  call: HostCall,
  fullName: string,
  hash: string,
): Promise<string | undefined> {
  if (FULL_SHA.test(hash)) return hash.toLowerCase();
  const commit = await api.jsonOr404<{ hash?: string }>(
    call,
    bitbucketRepoPath(fullName, `commit/${encodeURIComponent(hash)}`),
    { query: { fields: "hash" } },
  );
  if (commit === undefined) return undefined;
  const sha = commit.hash ?? "";
  if (!FULL_SHA.test(sha) || !sha.toLowerCase().startsWith(hash.toLowerCase())) {
    throw new ZakenakError("host-error", `${describeCall(call)}: commit ${hash} resolved to "${sha}"`);
  }
  return sha.toLowerCase();
}
