import { createHash, type Hash } from "node:crypto";
import { readFileSync } from "node:fs";
import { lstat, readdir, readFile, realpath } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { ZakenakError } from "../../errors.js";
import { mapInTurns } from "../../model/map-in-turns.js";

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
  // Chart files are small and many: read in turns, each file hashed as soon as it is read.
  await mapInTurns(files, (f) => hashEntry(hash, relative(root, f), blobId(readFileSync(f))));
}

export async function hashFile(hash: Hash, file: string, root: string): Promise<void> {
  hashEntry(hash, relative(root, file), blobId(await readFile(file)));
}

/**
 * One input file in a cache key, by its git blob id: a file in the working tree and the same file in a
 * revision (listed by `git ls-tree`, never read) feed the same bytes, so equal inputs get equal keys.
 */
export function hashEntry(hash: Hash, path: string, oid: string): void {
  hash.update(`${path}\0${oid}\0`);
}

/** The id git gives `content` as a blob (SHA-1 object format). */
export function blobId(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
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
