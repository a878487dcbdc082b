import { realpathSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { ZakenakError } from "../errors.js";

/**
 * Resolves a repository-relative path, following symlinks, and refuses one that leaves the repository.
 * A path that does not exist is a `file-missing` error naming `what` (e.g. "chart of release ollama").
 */
export async function resolveRepoPath(repoDir: string, path: string, what: string): Promise<string> {
  if (isAbsolute(path) || path.split(/[\\/]/).includes("..")) {
    throw new ZakenakError("path-outside-repo", `${what}: ${path} is outside the repository`);
  }
  // The native realpath(3), as `fs/promises` calls it, without a thread-pool round trip: a plan resolves
  // a few paths per release.
  const root = realpathSync.native(repoDir);
  let real: string;
  try {
    real = realpathSync.native(join(root, path));
  } catch {
    throw new ZakenakError("file-missing", `${what}: ${path} does not exist`);
  }
  const rel = relative(root, real);
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ZakenakError("path-outside-repo", `${what}: ${path} is a symlink that leaves the repository`);
  }
  return real;
}
