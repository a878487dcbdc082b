import { readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { type ConfigCache, configCacheKey } from "../config/config-cache.js";
import { CONFIG_FILE } from "../config/config-file.js";
import type { ZakenakConfig } from "../config/schema.js";
import { isZakenakError, ZakenakError } from "../errors.js";
import { resolveCommit } from "../git/git.js";
import { RULES } from "../validation/rules.js";
import { isRegular } from "./render/input-key.js";
import type { TreeSource } from "./render/render-release.js";
import { RevisionTree } from "./revision-tree.js";

const RULE_IDS = RULES.map((r) => r.id);
/** Errors that make a base's config unusable, as opposed to failures to read the revision at all. */
const CONFIG_ERRORS = new Set(["config-missing", "config-invalid", "yaml-invalid"]);

/**
 * One revision of the repository, opened once: its files (a directory, or a commit read through git) and
 * its `.zakenak.yaml` parsed once. Every render of the revision reads from it.
 */
export interface Snapshot {
  label: string;
  /** The working tree's or an extracted archive's directory; a git revision has none. */
  dir?: string;
  /** The commit, when the tree is a revision. */
  sha?: string;
  revision?: RevisionTree;
  config?: ZakenakConfig;
  warning?: string;
}

/** What `renderRelease` reads a tree from. */
export function snapshotSource(tree: Snapshot): TreeSource {
  return tree.revision ?? (tree.dir as string);
}

/**
 * Configs parsed in this run, by their text: a base and head with the same config parse it once. With a
 * cache, a config parsed by an earlier run is not parsed again, and the schema library is not even
 * loaded.
 */
export class ParsedConfigs {
  private readonly seen = new Map<string, Promise<ZakenakConfig>>();

  constructor(private readonly cache?: ConfigCache) {}

  /** The config of this text; an invalid one throws the `config-invalid` or `yaml-invalid` error. */
  parse(text: string): Promise<ZakenakConfig> {
    let config = this.seen.get(text);
    if (!config) {
      config = this.parseOnce(text);
      this.seen.set(text, config);
    }
    return config;
  }

  private async parseOnce(text: string): Promise<ZakenakConfig> {
    const key = this.cache ? configCacheKey(text, CONFIG_FILE, RULE_IDS) : undefined;
    const hit = key ? await this.cache?.get(key) : undefined;
    if (hit) return hit;
    const { parseConfig } = await import("../config/load-config.js");
    const config = parseConfig(text, CONFIG_FILE, RULE_IDS);
    // A cache that cannot be written only costs the next run a parse.
    if (key) await this.cache?.put(key, config).catch(() => {});
    return config;
  }
}

/** `.zakenak.yaml` of a directory, parsed with the schema (a missing one is a `config-missing` error). */
async function loadConfig(dir: string): Promise<ZakenakConfig> {
  return (await import("../config/load-config.js")).loadConfig(dir, RULE_IDS);
}

/**
 * Opens the working tree (`ref` undefined) or a revision, loading its `.zakenak.yaml`. Temporary
 * directories are added to `temps` for the caller to remove. For the head, a missing or invalid config
 * is an error; for a base it only makes the base empty. `listWhole`: a revision's files are listed with
 * one git call (for a plan that reads them all: the secret scan).
 */
export async function openSnapshot(
  repoDir: string,
  top: string | undefined,
  ref: string | undefined,
  temps: string[],
  isHead: boolean,
  configs: ParsedConfigs = new ParsedConfigs(),
  listWhole = false,
): Promise<Snapshot> {
  const tree: Snapshot = { label: "working tree" };
  try {
    if (ref === undefined) {
      tree.dir = repoDir;
      const text = await readFile(join(repoDir, CONFIG_FILE), "utf8").catch(() => undefined);
      // loadConfig names what is missing.
      tree.config = text === undefined ? await loadConfig(repoDir) : await configs.parse(text);
      return tree;
    }
    if (!top)
      throw new ZakenakError(
        "git-ref-missing",
        `${repoDir} is not a git repository, so ref "${ref}" cannot be read`,
      );
    const sha = await resolveCommit(repoDir, ref);
    tree.sha = sha;
    tree.label = ref === sha ? sha.slice(0, 12) : `${ref} (${sha.slice(0, 12)})`;
    tree.revision = new RevisionTree(top, sha, relative(top, repoDir).split(sep).join("/"), temps);
    if (listWhole) tree.revision.listWhole();
    tree.config = await revisionConfig(tree.revision, repoDir, tree.label, configs);
    return tree;
  } catch (err) {
    return baseWithoutConfig(tree, err, isHead);
  }
}

/**
 * A directory that holds one revision (an archive the host sent for `sha`), its config parsed once. As
 * with `openSnapshot`, a base without a usable config is empty rather than an error.
 */
export async function directorySnapshot(
  dir: string,
  sha: string,
  label: string,
  isHead: boolean,
): Promise<Snapshot> {
  const snapshot: Snapshot = { label, dir, sha };
  try {
    const text = await readFile(join(dir, CONFIG_FILE), "utf8").catch(() => undefined);
    snapshot.config = text === undefined ? await loadConfig(dir) : await new ParsedConfigs().parse(text);
    return snapshot;
  } catch (err) {
    return baseWithoutConfig(snapshot, err, isHead);
  }
}

function baseWithoutConfig(snapshot: Snapshot, err: unknown, isHead: boolean): Snapshot {
  if (isHead || !isZakenakError(err) || !CONFIG_ERRORS.has(err.code)) throw err;
  // A base without a usable config plans as empty: everything in head shows as created.
  if (err.code === "config-missing") return snapshot;
  return {
    ...snapshot,
    warning: `the base's .zakenak.yaml is invalid, so the base is treated as empty: ${err.message}`,
  };
}

/** A revision's `.zakenak.yaml`, read from git's object store (a symlink needs the checkout to follow it). */
async function revisionConfig(
  revision: RevisionTree,
  repoDir: string,
  label: string,
  configs: ParsedConfigs,
): Promise<ZakenakConfig> {
  const found = (await revision.files(CONFIG_FILE)) ?? [];
  const file = found.length === 1 && found[0]?.rel === CONFIG_FILE ? found[0] : undefined;
  if (file?.mode === "120000") return loadConfig(await revision.checkout());
  if (!file || !isRegular(file)) {
    throw new ZakenakError("config-missing", `no ${CONFIG_FILE} at the root of ${repoDir} in ${label}`);
  }
  const text = (await revision.read([file.oid])).get(file.oid)?.toString("utf8") ?? "";
  return configs.parse(text);
}
