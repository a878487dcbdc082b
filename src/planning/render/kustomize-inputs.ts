import type { Hash } from "node:crypto";
import { stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { resolveRepoPath } from "../../config/resolve-repo-path.js";
import { hashFile, hashTree } from "./hash-tree.js";
import { kustomizationReferences } from "./kustomization-references.js";

/**
 * Feeds everything an overlay reads into `hash`, following its local references. Returns false when it
 * references something outside the repository's files (a remote base), which makes the render uncacheable.
 */
export async function hashKustomizeInputs(
  hash: Hash,
  dir: string,
  repoRoot: string,
  seen = new Set<string>(),
): Promise<boolean> {
  if (seen.has(dir)) return true;
  seen.add(dir);
  await hashTree(hash, dir, repoRoot, repoRoot);
  const refs = await kustomizationReferences(dir, repoRoot);
  if (!refs) return true;
  if (refs.remote.length > 0) return false;
  for (const ref of refs.local) {
    const target = await resolveRepoPath(
      repoRoot,
      relative(repoRoot, join(dir, ref)),
      `kustomization in ${relative(repoRoot, dir)}`,
    );
    if ((await stat(target)).isDirectory()) {
      if (!(await hashKustomizeInputs(hash, target, repoRoot, seen))) return false;
    } else {
      await hashFile(hash, target, repoRoot);
    }
  }
  return true;
}
