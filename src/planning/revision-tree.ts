import { mkdir, mkdtemp, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, posix } from "node:path";
import { checkoutFiles, listTree, readBlobs, readTreeIndex, type TreeEntry } from "../git/git.js";

/** A file of a revision, with its path relative to the planned directory. */
export interface RevisionFile extends TreeEntry {
  rel: string;
}

/**
 * A commit's tree, read through git object ids rather than written out: renders are keyed by blob ids,
 * and only what a render that misses the cache reads is written to a temporary directory.
 */
export class RevisionTree {
  private readonly listed = new Map<string, Promise<RevisionFile[]>>();
  private readonly written = new Map<string, Promise<void>>();
  private writing: Promise<unknown> = Promise.resolve();
  private scratch?: Promise<string>;
  private index?: Promise<string>;
  private full?: Promise<string>;

  /**
   * @param top the repository's top level
   * @param subdir the planned directory (holding `.zakenak.yaml`) relative to `top`, `/`-separated
   * @param temps where temporary directories are recorded for the caller to remove
   */
  constructor(
    readonly top: string,
    readonly sha: string,
    private readonly subdir: string,
    private readonly temps: string[],
  ) {}

  /**
   * Files at or below a path relative to the planned directory (the file itself when it is one), or
   * undefined for a path that needs a checkout to be judged (absolute, `..`, backslashes).
   */
  files(path: string): Promise<RevisionFile[]> | undefined {
    const p = this.gitPath(path);
    if (p === undefined) return undefined;
    let found = this.listed.get(p);
    if (!found) {
      found = this.list([p]).then((all) => all.get(p) ?? []);
      this.listed.set(p, found);
    }
    return found;
  }

  /** Lists many paths with one git call, for the `files` calls that follow. */
  prefetch(paths: readonly string[]): void {
    const wanted = [
      ...new Set(paths.map((p) => this.gitPath(p)).filter((p): p is string => p !== undefined)),
    ].filter((p) => p !== "" && !this.listed.has(p));
    if (wanted.length === 0) return;
    const all = this.list(wanted);
    for (const p of wanted) {
      const found = all.then((m) => m.get(p) ?? []);
      // A failure surfaces where a path is asked for; paths nobody asks for must not crash the process.
      found.catch(() => {});
      this.listed.set(p, found);
    }
  }

  /** Reads blobs by id. */
  read(oids: readonly string[]): Promise<Map<string, Buffer>> {
    return readBlobs(this.top, oids);
  }

  /**
   * Writes these files (as listed by `files`) to the temporary directory, each once however many renders
   * ask for it; returns the directory standing for the planned directory.
   */
  async materialize(files: readonly TreeEntry[]): Promise<string> {
    const root = join(await this.scratchDir(), "tree");
    const fresh = files.map((f) => f.path).filter((p) => !this.written.has(p));
    if (fresh.length > 0) {
      const done = this.write(root, fresh);
      for (const p of fresh) this.written.set(p, done);
    }
    await Promise.all(files.map((f) => this.written.get(f.path)));
    return join(root, this.subdir);
  }

  /** The whole revision written out (once), for what needs a checkout: Kustomize, symlinks, odd paths. */
  checkout(): Promise<string> {
    this.full ??= (async () => {
      const root = join(await this.scratchDir(), "full");
      await this.write(root, "all");
      // A revision without files under the planned directory still checks out as a directory.
      await mkdir(join(root, this.subdir), { recursive: true });
      return join(root, this.subdir);
    })();
    return this.full;
  }

  /** `path` (relative to the planned directory) relative to the top level; "" is the top level itself. */
  private gitPath(path: string): string | undefined {
    if (isAbsolute(path) || path.includes("\\") || path.split("/").includes("..")) return undefined;
    const p = posix.join(this.subdir, path).replace(/\/+$/, "");
    return p === "." ? "" : p;
  }

  private async list(paths: string[]): Promise<Map<string, RevisionFile[]>> {
    const entries = await listTree(this.top, this.sha, paths.includes("") ? [] : paths);
    const byPath = new Map<string, RevisionFile[]>(paths.map((p) => [p, []]));
    const cut = this.subdir === "" ? 0 : this.subdir.length + 1;
    for (const e of entries) {
      const file = { ...e, rel: e.path.slice(cut) };
      if (byPath.has("")) byPath.get("")?.push(file);
      // Every listed path that holds the entry: the entry itself and each of its parent directories.
      for (let p = e.path; p !== ""; p = p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "") {
        byPath.get(p)?.push(file);
      }
    }
    return byPath;
  }

  /** One checkout-index at a time: concurrent ones race creating the same parent directories. */
  private write(root: string, paths: string[] | "all"): Promise<void> {
    const done = this.writing.then(async () => checkoutFiles(this.top, await this.indexFile(), root, paths));
    this.writing = done.catch(() => {});
    return done;
  }

  private scratchDir(): Promise<string> {
    this.scratch ??= (async () => {
      const dir = await realpath(await mkdtemp(join(tmpdir(), "zakenak-tree-")));
      this.temps.push(dir);
      return dir;
    })();
    return this.scratch;
  }

  private indexFile(): Promise<string> {
    this.index ??= (async () => {
      const file = join(await this.scratchDir(), "index");
      await readTreeIndex(this.top, this.sha, file);
      return file;
    })();
    return this.index;
  }
}
