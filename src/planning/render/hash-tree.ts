import { createHash, type Hash } from "node:crypto";
import { lstat, readdir, readFile, realpath } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { ZakenakError } from "../../errors.js";

/**
 * Feeds every file under `dir` (sorted, with its path relative to `root`) into `hash`. Symlinks are
 * followed only while they stay inside `repoRoot`: a chart must not read files from outside the repository.
 */
export async function hashTree(hash: Hash, dir: string, root: string, repoRoot: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const e of entries) {
    const full = join(e.parentPath, e.name);
    if (e.isSymbolicLink()) {
      await assertInside(full, repoRoot, root);
      if ((await lstat(await realpath(full))).isFile()) files.push(full);
    } else if (e.isFile()) {
      files.push(full);
    }
  }
  files.sort();
  for (const f of files) {
    hash.update(relative(root, f));
    hash.update("\0");
    hash.update(await readFile(f));
    hash.update("\0");
  }
}

export async function hashFile(hash: Hash, file: string, root: string): Promise<void> {
  hash.update(relative(root, file));
  hash.update("\0");
  hash.update(await readFile(file));
  hash.update("\0");
}

export function newHash(...parts: string[]): Hash {
  const h = createHash("sha256");
  for (const p of parts) h.update(`${p}\0`);
  return h;
}

async function assertInside(path: string, repoRoot: string, root: string): Promise<void> {
  const real = await realpath(path).catch(() => undefined);
  const rel = real === undefined ? ".." : relative(repoRoot, real);
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ZakenakError(
      "path-outside-repo",
      `${relative(root, path) || path} is a symlink that leaves the repository (or points nowhere)`,
    );
  }
}
