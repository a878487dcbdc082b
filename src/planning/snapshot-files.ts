import { createHash } from "node:crypto";
import { lstatSync, readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { listWorkingFiles } from "../git/git.js";
import { mapInTurns } from "../model/map-in-turns.js";
import type { Snapshot } from "./open-snapshot.js";
import { isRegular } from "./render/input-key.js";

/** A regular file of a snapshot. `oid` is its git blob id when the listing already knows it. */
export interface SnapshotFile {
  oid?: string;
  /** Size in bytes, when the listing knows it without reading. */
  size?: number;
}

/** The regular files of a snapshot (symlinks and submodules left out), by `/`-separated path. */
export interface SnapshotFiles {
  files: Map<string, SnapshotFile>;
  read(paths: readonly string[]): Promise<Map<string, Buffer>>;
}

const NONE: SnapshotFiles = { files: new Map(), read: async () => new Map() };

/**
 * Lists a snapshot's files: a revision from git's tree (blob ids, nothing read), the working tree as git
 * sees it (tracked and untracked, ignored files left out), an extracted archive or a directory outside
 * git by walking it (`.git` left out). A snapshot with neither (no base) has no files.
 */
export async function snapshotFiles(snapshot: Snapshot): Promise<SnapshotFiles> {
  const { revision, dir } = snapshot;
  if (revision) {
    const listed = (await revision.files("")) ?? [];
    const regular = listed.filter(isRegular);
    const oids = new Map(regular.map((f) => [f.rel, f.oid]));
    return {
      files: new Map(regular.map((f) => [f.rel, { oid: f.oid }])),
      read: async (paths) => {
        if (paths.length === 0) return new Map();
        const blobs = await revision.read(paths.map((p) => oids.get(p) as string));
        return new Map(paths.map((p) => [p, blobs.get(oids.get(p) as string) ?? Buffer.alloc(0)]));
      },
    };
  }
  if (dir === undefined) return NONE;
  const paths = (snapshot.sha === undefined ? await listWorkingFiles(dir) : undefined) ?? (await walk(dir));
  const files = new Map<string, SnapshotFile>();
  await mapInTurns(paths, (path) => {
    const stat = lstatSync(join(dir, path), { throwIfNoEntry: false });
    // Deleted but still in the index, a symlink, a submodule: nothing of the change to read.
    if (stat?.isFile()) files.set(path, { size: stat.size });
  });
  return {
    files,
    read: async (wanted) =>
      new Map(await mapInTurns(wanted, (p) => [p, readFileSync(join(dir, p))] as const)),
  };
}

/** Git's blob id of some content: what a revision lists, so a file on disk compares with it. */
export function blobId(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
    .filter((p) => p !== ".git" && !p.startsWith(".git/"));
}
