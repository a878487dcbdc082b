import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseYamlDocument, toPlainData } from "../../config/parse-yaml-document.js";

/** The names kustomize accepts for a kustomization file, in the order it looks for them. */
const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
const PATH_LISTS = [
  "resources",
  "bases",
  "components",
  "patchesStrategicMerge",
  "crds",
  "configurations",
  "generators",
  "transformers",
  "validators",
];
/** Hosts kustomize reads as git repositories even without `//` or `?ref=`. */
const GIT_HOSTS = /^(github\.com|gitlab\.com|bitbucket\.org)\//;

export interface KustomizationReferences {
  /** The kustomization file's name inside its directory. */
  file: string;
  /** Paths relative to the directory: files and directories kustomize reads from disk. */
  local: string[];
  /** References kustomize would fetch over the network (or clone with git). */
  remote: string[];
}

/**
 * What the kustomization file in `dir` (inside `repoRoot`, which errors name it from) makes kustomize read, split into local paths and remote
 * references; undefined when `dir` has no kustomization file.
 */
export async function kustomizationReferences(
  dir: string,
  repoRoot: string,
): Promise<KustomizationReferences | undefined> {
  for (const file of KUSTOMIZATION_FILES) {
    const text = await readFile(join(dir, file), "utf8").catch(() => undefined);
    if (text === undefined) continue;
    // The same linear parse as every other YAML here: a repeated key is an error, not a quadratic cost.
    const name = relative(repoRoot, join(dir, file));
    const doc = toPlainData(parseYamlDocument(text, name), name);
    const refs = doc && typeof doc === "object" ? referencedPaths(doc as Record<string, unknown>) : [];
    return { file, local: refs.filter((r) => !isRemote(r)), remote: refs.filter(isRemote) };
  }
  return undefined;
}

/**
 * Broader than kustomize's own parsing on purpose: anything that could be a URL, a git clone (`git::`,
 * `gh:`, scp-like `git@host:`) or a host path (`example.com/org/repo//dir?ref=v1`) counts as remote,
 * since refusing an odd local name costs a rename while missing a remote one lets a pull request make
 * the planner fetch any address.
 */
function isRemote(ref: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) ||
    /^(git::|gh:)/i.test(ref) ||
    /^[^/\s]+@[^/\s]+:/.test(ref) ||
    GIT_HOSTS.test(ref) ||
    (/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\//i.test(ref) && /\/\/|\?/.test(ref))
  );
}

function referencedPaths(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  // Inline patches are multi-line strings, not paths.
  const add = (v: unknown) => {
    if (typeof v === "string" && !v.includes("\n")) out.push(v);
  };
  for (const key of PATH_LISTS) {
    const list = doc[key];
    if (Array.isArray(list)) list.forEach(add);
  }
  for (const key of ["patches", "patchesJson6902", "replacements"]) {
    const list = doc[key];
    if (Array.isArray(list)) for (const p of list) add((p as { path?: unknown })?.path);
  }
  for (const key of ["configMapGenerator", "secretGenerator"]) {
    const list = doc[key];
    if (!Array.isArray(list)) continue;
    for (const g of list as Array<Record<string, unknown>>) {
      // Only generator files take the `key=path` form, and a key holds no `/` or `:`: a URL's `?ref=`
      // must not be taken for one.
      if (Array.isArray(g?.files))
        for (const f of g.files as unknown[]) add(typeof f === "string" ? f.replace(/^[^=/:]+=/, "") : f);
      if (Array.isArray(g?.envs)) (g.envs as unknown[]).forEach(add);
      add(g?.env);
    }
  }
  add((doc.openapi as { path?: unknown } | undefined)?.path);
  return out;
}
