import { spawn } from "node:child_process";
import { ZakenakError } from "../errors.js";
import { runProcess } from "../tools/run-process.js";

/** Runs git in `repoDir`; a failure is a `git-failed` error carrying git's own message. */
export async function git(repoDir: string, args: string[]): Promise<string> {
  const res = await runProcess("git", ["-C", repoDir, ...args]);
  if (res.code !== 0) {
    throw new ZakenakError("git-failed", `git ${args[0]} failed in ${repoDir}: ${res.stderr.trim()}`);
  }
  return res.stdout;
}

export async function isGitRepo(repoDir: string): Promise<boolean> {
  const res = await runProcess("git", ["-C", repoDir, "rev-parse", "--is-inside-work-tree"]);
  return res.code === 0 && res.stdout.trim() === "true";
}

/** The repository's top-level directory, or undefined outside a git repository. */
export async function gitTopLevel(repoDir: string): Promise<string | undefined> {
  const res = await runProcess("git", ["-C", repoDir, "rev-parse", "--show-toplevel"]);
  return res.code === 0 ? res.stdout.trim() : undefined;
}

/** Resolves a ref to a commit sha; a ref that does not exist is a `git-ref-missing` error naming it. */
export async function resolveCommit(repoDir: string, ref: string): Promise<string> {
  if (ref.startsWith("-")) throw new ZakenakError("git-ref-missing", `git ref "${ref}" does not exist`);
  const res = await runProcess("git", ["-C", repoDir, "rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (res.code !== 0)
    throw new ZakenakError("git-ref-missing", `git ref "${ref}" does not exist in ${repoDir}`);
  return res.stdout.trim();
}

/**
 * The commit a plan compares against by default: the merge base of HEAD with the default branch
 * (origin's HEAD, else main, else master), or HEAD itself when there is no such branch.
 */
export async function defaultBase(repoDir: string): Promise<string | undefined> {
  const head = await runProcess("git", ["-C", repoDir, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  if (head.code !== 0) return undefined;
  const candidates = ["refs/remotes/origin/HEAD", "refs/heads/main", "refs/heads/master"];
  for (const ref of candidates) {
    const res = await runProcess("git", ["-C", repoDir, "merge-base", "HEAD", ref]);
    if (res.code === 0) return res.stdout.trim();
  }
  return head.stdout.trim();
}

/**
 * The files of a working tree at or below `dir`, relative to it: tracked ones and untracked ones that
 * are not ignored, as `git status` sees them. Undefined outside a git repository.
 */
export async function listWorkingFiles(dir: string): Promise<string[] | undefined> {
  const args = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"];
  const res = await runProcess("git", ["-C", dir, ...args]);
  if (res.code !== 0) return undefined;
  return [...new Set(res.stdout.split("\0").filter((p) => p !== ""))];
}

/** One file of a commit's tree: mode `120000` is a symlink (the blob holds its target), `160000` a submodule. */
export interface TreeEntry {
  mode: string;
  oid: string;
  /** Path from the top level of the repository, `/`-separated. */
  path: string;
}

/**
 * Every file of `sha` at or below `paths` (top-level relative; none: the whole tree). ls-tree lists what
 * the commit holds, so `.gitattributes` (export-ignore, export-subst, filters) has no say; pathspecs are
 * taken literally, never as globs or magic.
 */
export async function listTree(top: string, sha: string, paths: readonly string[]): Promise<TreeEntry[]> {
  const out = await gitOrFail(top, ["--literal-pathspecs", "ls-tree", "-r", "-z", sha, "--", ...paths], {
    what: `list ${sha}`,
  });
  const entries: TreeEntry[] = [];
  for (const record of out.split("\0")) {
    const tab = record.indexOf("\t");
    if (tab < 0) continue;
    const [mode = "", , oid = ""] = record.slice(0, tab).split(" ");
    entries.push({ mode, oid, path: record.slice(tab + 1) });
  }
  return entries;
}

/** Reads blobs by object id (one `git cat-file --batch`): the bytes git stores, no filters applied. */
export function readBlobs(top: string, oids: readonly string[]): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["-C", top, "cat-file", "--batch"], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      const fail = (why: string) =>
        reject(new ZakenakError("git-failed", `could not read blobs from ${top}: ${why}`));
      if (code !== 0) return fail(Buffer.concat(err).toString("utf8").trim() || `exit code ${code}`);
      const buf = Buffer.concat(out);
      const blobs = new Map<string, Buffer>();
      let at = 0;
      while (at < buf.length) {
        const eol = buf.indexOf(10, at);
        const [oid = "", type, size] = buf.toString("utf8", at, eol < 0 ? buf.length : eol).split(" ");
        if (eol < 0 || type !== "blob" || size === undefined) return fail(`no blob ${oid}`);
        const start = eol + 1;
        blobs.set(oid, buf.subarray(start, start + Number(size)));
        at = start + Number(size) + 1;
      }
      resolve(blobs);
    });
    child.stdin.on("error", () => {});
    child.stdin.end(oids.map((o) => `${o}\n`).join(""));
  });
}

/**
 * Fills a private index (`indexFile`) with the tree of `sha`, from which `checkoutFiles` writes files
 * without touching the working tree or the repository's own index.
 */
export async function readTreeIndex(top: string, sha: string, indexFile: string): Promise<void> {
  await gitOrFail(top, ["read-tree", sha], { what: `export ${sha}`, index: indexFile });
}

/**
 * Writes files (top-level relative; "all": every file) from a private index filled by `readTreeIndex`
 * into `destDir`, as a checkout would write them. Unlike `git archive`, export-ignore and export-subst
 * do not apply, so what is written is what a checkout of the commit holds.
 */
export async function checkoutFiles(
  top: string,
  indexFile: string,
  destDir: string,
  paths: readonly string[] | "all",
): Promise<void> {
  const args = ["checkout-index", "--force", `--prefix=${destDir}/`];
  if (paths === "all") await gitOrFail(top, [...args, "--all"], { what: "export files", index: indexFile });
  else if (paths.length > 0) {
    // On stdin: a chart can have more files than a command line takes.
    const input = paths.map((p) => `${p}\0`).join("");
    await gitOrFail(top, [...args, "-z", "--stdin"], { what: "export files", index: indexFile, input });
  }
}

async function gitOrFail(
  top: string,
  args: string[],
  opts: { what: string; index?: string; input?: string },
): Promise<string> {
  const env = opts.index ? { ...process.env, GIT_INDEX_FILE: opts.index } : undefined;
  const res = await runProcess("git", ["-C", top, ...args], {
    ...(env ? { env } : {}),
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  if (res.code !== 0) {
    throw new ZakenakError("git-failed", `could not ${opts.what} from ${top}: ${res.stderr.trim()}`);
  }
  return res.stdout;
}
