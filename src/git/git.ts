import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
 * Writes the tree of `sha` into `destDir` without touching the working tree or the index. Uses a private
 * index rather than `git archive`, which would obey `export-ignore`/`export-subst` attributes and so
 * render something other than what a checkout of the commit holds.
 */
export async function exportTree(repoDir: string, sha: string, destDir: string): Promise<void> {
  const indexDir = await mkdtemp(join(tmpdir(), "zakenak-index-"));
  try {
    const env = { ...process.env, GIT_INDEX_FILE: join(indexDir, "index") };
    for (const args of [
      ["read-tree", sha],
      ["checkout-index", "--all", "--force", `--prefix=${destDir}/`],
    ]) {
      const res = await runProcess("git", ["-C", repoDir, ...args], { env });
      if (res.code !== 0) {
        throw new ZakenakError("git-failed", `could not export ${sha} from ${repoDir}: ${res.stderr.trim()}`);
      }
    }
  } finally {
    await rm(indexDir, { recursive: true, force: true });
  }
}
