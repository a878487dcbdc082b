import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZakenakError } from "../errors.js";
import type { GitHost } from "../hosts/git-host.js";
import type { RepoRef } from "../hosts/host-event.js";
import { runProcess } from "../tools/run-process.js";

/** A throw-away git repository whose HEAD~1 is the base tree and HEAD the head tree of a pull request. */
export interface PullRequestRepo {
  dir: string;
  cleanup(): Promise<void>;
}

// The user's and the system's git configuration (hooks, signing, templates) have no say here.
const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "zakenak",
  GIT_AUTHOR_EMAIL: "zakenak@localhost",
  GIT_COMMITTER_NAME: "zakenak",
  GIT_COMMITTER_EMAIL: "zakenak@localhost",
};

async function gitIn(gitDir: string, workTree: string, args: string[]): Promise<void> {
  const res = await runProcess("git", [`--git-dir=${gitDir}`, `--work-tree=${workTree}`, ...args], {
    env: GIT_ENV,
  });
  if (res.code !== 0) {
    throw new ZakenakError("git-failed", `git ${args[0]} failed: ${res.stderr.trim()}`);
  }
}

/**
 * Downloads the base and head of a pull request from the host and commits them, base then head, into a
 * fresh repository, so the plan engine compares them as git revisions (`HEAD~1` → `HEAD`).
 */
export async function pullRequestRepo(
  host: GitHost,
  repo: RepoRef,
  baseSha: string,
  headSha: string,
): Promise<PullRequestRepo> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "zakenak-pr-")));
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    const dir = join(root, "repo");
    const gitDir = join(dir, ".git");
    const res = await runProcess("git", ["init", "--quiet", dir], { env: GIT_ENV });
    if (res.code !== 0) throw new ZakenakError("git-failed", `git init failed: ${res.stderr.trim()}`);
    for (const [side, sha] of [
      ["base", baseSha],
      ["head", headSha],
    ] as const) {
      const tree = join(root, side);
      await mkdir(tree);
      await host.downloadArchive(repo, sha, tree);
      await gitIn(gitDir, tree, ["add", "--all", "--force", "."]);
      await gitIn(gitDir, tree, [
        "commit",
        "--quiet",
        "--allow-empty",
        "--no-verify",
        "-m",
        `${side} ${sha}`,
      ]);
    }
    return { dir, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
