/** A repository on the test server, by owner and name. */
export interface GiteaRepoRef {
  owner: string;
  repo: string;
}

/** A file path or ref in a repository: its slashes stay, everything else in a segment is escaped. */
export function filePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** `repos/{owner}/{repo}`, then `rest` as given: the caller escapes what it puts there. */
export function repoPath({ owner, repo }: GiteaRepoRef, rest = ""): string {
  const base = `repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  return rest ? `${base}/${rest}` : base;
}
