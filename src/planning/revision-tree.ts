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
  /** Every file of the planned directory by each path that holds it, when listed at once (`listWhole`). */
  private whole?: Promise<Map<string, RevisionFile[]>>;
  private readonly written = new Map<string, Promise<void>>();
  private writing: Promise<unknown> = Promise.resolve();
  private scratch?: Promise<string>;
  private index?: Promise<string>;
  private full?: Promise<string>;
  /** Blobs read or being read, by id. */
  private readonly blobs = new Map<string, Promise<Buffer>>();
  /** Blob ids asked for since the last `git cat-file` started. */
  private batch?: { oids: Set<string>; done: Promise<Map<string, Buffer>> };

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
    if (this.whole) return this.whole.then((all) => all.get(p) ?? []);
    let found = this.listed.get(p);
    if (!found) {
      found = this.list([p]).then((all) => all.get(p) ?? []);
      this.listed.set(p, found);
    }
    return found;
  }

  /**
   * Lists the whole planned directory with one git call, and answers every later `files` call from it:
   * for a plan that reads all of it anyway (the secret scan), rather than one listing per question.
   */
  listWhole(): void {
    const root = this.gitPath("") as string;
    this.whole ??= this.list([root], true);
    // A failure surfaces where a path is asked for.
    this.whole.catch(() => {});
  }

  /** Lists many paths with one git call, for the `files` calls that follow. */
  prefetch(paths: readonly string[]): void {
    if (this.whole) return;
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

  /**
   * Reads blobs by id. Reads asked for while the event loop turns share one `git cat-file --batch`, and
   * a blob is read once per revision however many renders ask for it.
   */
  async read(oids: readonly string[]): Promise<Map<string, Buffer>> {
    const wanted = [...new Set(oids)];
    const fresh = wanted.filter((oid) => !this.blobs.has(oid));
    if (fresh.length > 0) {
      this.batch ??= this.startBatch();
      const { oids: batched, done } = this.batch;
      for (const oid of fresh) {
        batched.add(oid);
        const blob = done.then((all) => all.get(oid) as Buffer);
        // Its reader, if any, gets the failure: a blob only prefetched must not crash the process.
        blob.catch(() => {});
        this.blobs.set(oid, blob);
      }
    }
    const found = await Promise.all(wanted.map((oid) => this.blobs.get(oid) as Promise<Buffer>));
    return new Map(wanted.map((oid, i) => [oid, found[i] as Buffer]));
  }

  /**
   * Starts reading the files `names` of each directory in `dirs` (relative to the planned directory, as
   * given to `prefetch`) in one git call, for the `read` calls that follow: every chart's Chart.yaml at
   * once rather than one git process per chart.
   */
  prefetchFiles(dirs: readonly string[], names: readonly string[]): void {
    const listings = dirs.flatMap((dir) => {
      const p = this.gitPath(dir);
      const listed = p === undefined || p === "" ? undefined : this.files(dir);
      return listed ? [listed.then((files) => ({ root: normalRel(dir), files }))] : [];
    });
    if (listings.length === 0) return;
    const started = Promise.all(listings).then((all) => {
      const oids = all.flatMap(({ root, files }) => {
        const paths = new Set(names.map((n) => `${root}/${n}`));
        return files.filter((f) => paths.has(f.rel)).map((f) => f.oid);
      });
      return oids.length > 0 ? this.read(oids) : undefined;
    });
    // A failure surfaces where a file is read; files nobody reads must not crash the process.
    started.catch(() => {});
  }

  private startBatch(): { oids: Set<string>; done: Promise<Map<string, Buffer>> } {
    const oids = new Set<string>();
    const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.batch = undefined;
      return readBlobs(this.top, [...oids]);
    });
    // Every blob's own promise carries a failure to its reader; a failed read is not kept.
    done.catch(() => {
      for (const oid of oids) this.blobs.delete(oid);
    });
    return { oids, done };
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

  /** Files at or below each of `paths`; `every`: below every path that holds one (a whole listing). */
  private async list(paths: string[], every = false): Promise<Map<string, RevisionFile[]>> {
    const entries = await listTree(this.top, this.sha, paths.includes("") ? [] : paths);
    const byPath = new Map<string, RevisionFile[]>(paths.map((p) => [p, []]));
    const cut = this.subdir === "" ? 0 : this.subdir.length + 1;
    const add = (p: string, file: RevisionFile) => {
      const at = byPath.get(p);
      if (at) at.push(file);
      else if (every) byPath.set(p, [file]);
    };
    for (const e of entries) {
      const file = { ...e, rel: e.path.slice(cut) };
      if (byPath.has("")) byPath.get("")?.push(file);
      // Every listed path that holds the entry: the entry itself and each of its parent directories.
      for (let p = e.path; p !== ""; p = p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "") add(p, file);
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

/** A path relative to the planned directory as `files` lists it in `rel`: no `./`, doubled or trailing slashes. */
function normalRel(path: string): string {
  return posix.normalize(path).replace(/\/+$/, "");
}
