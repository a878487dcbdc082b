import type { RepoRef } from "../host-event.js";
import { ownerAndName } from "../shared/repo-path.js";

/** `repositories/{workspace}/{slug}/` followed by `rest`, relative to the API base. */
export function bitbucketRepoPath(fullName: string | RepoRef, rest = ""): string {
  const repo = typeof fullName === "string" ? { host: "bitbucket" as const, fullName } : fullName;
  const { owner, name } = ownerAndName(repo);
  return `repositories/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/${rest}`;
}

/**
 * The web host next to the API, where archives are served (they are not in REST 2.0):
 * `https://api.bitbucket.org/2.0` → `https://bitbucket.org`; a test's `http://127.0.0.1:N/2.0` → itself
 * without `/2.0`.
 */
export function bitbucketWebBase(apiUrl: string): string {
  const url = new URL(apiUrl.replace(/\/+$/, "").replace(/\/2\.0$/, ""));
  if (url.hostname.startsWith("api.")) url.hostname = url.hostname.slice("api.".length);
  return url.href.replace(/\/+$/, "");
}
