import { stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { resolveRepoPath } from "../../config/resolve-repo-path.js";
import { kustomizationReferences } from "./kustomization-references.js";

export interface RemoteReference {
  /** The kustomization file naming it, relative to the repository. */
  file: string;
  ref: string;
}

/**
 * Every remote reference in the overlay at `dir` and in the local bases, components and resources it
 * reaches, however deep. What a fetched remote base references in turn cannot be known before fetching it.
 */
export async function findRemoteReferences(
  dir: string,
  repoRoot: string,
  seen = new Set<string>(),
): Promise<RemoteReference[]> {
  if (seen.has(dir)) return [];
  seen.add(dir);
  const refs = await kustomizationReferences(dir, repoRoot);
  if (!refs) return [];
  const file = relative(repoRoot, join(dir, refs.file));
  const found = refs.remote.map((ref) => ({ file, ref }));
  for (const ref of refs.local) {
    const target = await resolveRepoPath(
      repoRoot,
      relative(repoRoot, join(dir, ref)),
      `kustomization in ${relative(repoRoot, dir) || "."}`,
    );
    if ((await stat(target)).isDirectory())
      found.push(...(await findRemoteReferences(target, repoRoot, seen)));
  }
  return found;
}
