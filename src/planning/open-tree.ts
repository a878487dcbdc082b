import { mkdtemp, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { loadConfig } from "../config/load-config.js";
import type { ZakenakConfig } from "../config/schema.js";
import { isZakenakError, ZakenakError } from "../errors.js";
import { exportTree, resolveCommit } from "../git/git.js";
import { RULES } from "../validation/rules.js";

const RULE_IDS = RULES.map((r) => r.id);

/** A repository tree to render: the working tree, or a revision exported to a temporary directory. */
export interface Tree {
  label: string;
  dir?: string;
  /** The commit, when the tree is a revision. */
  sha?: string;
  config?: ZakenakConfig;
  warning?: string;
}

/**
 * Opens the working tree (`ref` undefined) or a revision, loading its `.zakenak.yaml`. Temporary
 * directories are added to `temps` for the caller to remove. For the head, a missing or invalid config
 * is an error; for a base it only makes the base empty.
 */
export async function openTree(
  repoDir: string,
  top: string | undefined,
  ref: string | undefined,
  temps: string[],
  isHead: boolean,
): Promise<Tree> {
  let dir = repoDir;
  let label = "working tree";
  const tree: { sha?: string } = {};
  if (ref !== undefined) {
    if (!top)
      throw new ZakenakError(
        "git-ref-missing",
        `${repoDir} is not a git repository, so ref "${ref}" cannot be read`,
      );
    const sha = await resolveCommit(repoDir, ref);
    const tmp = await realpath(await mkdtemp(join(tmpdir(), "zakenak-tree-")));
    temps.push(tmp);
    await exportTree(top, sha, tmp);
    dir = join(tmp, relative(top, repoDir));
    tree.sha = sha;
    label = ref === sha ? sha.slice(0, 12) : `${ref} (${sha.slice(0, 12)})`;
  }
  try {
    return { label, dir, ...tree, config: await loadConfig(dir, RULE_IDS) };
  } catch (err) {
    if (isHead || !isZakenakError(err)) throw err;
    // A base without a usable config plans as empty: everything in head shows as created.
    if (err.code === "config-missing") return { label, dir };
    return {
      label,
      dir,
      warning: `the base's .zakenak.yaml is invalid, so the base is treated as empty: ${err.message}`,
    };
  }
}
