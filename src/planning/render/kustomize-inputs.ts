import type { Hash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { resolveRepoPath } from "../../config/resolve-repo-path.js";
import { hashFile, hashTree } from "./hash-tree.js";

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

/**
 * Feeds everything an overlay reads into `hash`, following its local references. Returns false when it
 * references something outside the repository's files (a remote base), which makes the render uncacheable.
 */
export async function hashKustomizeInputs(
  hash: Hash,
  dir: string,
  repoRoot: string,
  seen = new Set<string>(),
): Promise<boolean> {
  if (seen.has(dir)) return true;
  seen.add(dir);
  await hashTree(hash, dir, repoRoot, repoRoot);
  const doc = await readKustomization(dir);
  if (!doc) return true;
  for (const ref of referencedPaths(doc)) {
    if (/^[a-z]+:\/\/|^(github\.com|gitlab\.com|bitbucket\.org)\/|\?ref=/.test(ref)) return false;
    const target = await resolveRepoPath(
      repoRoot,
      relative(repoRoot, join(dir, ref)),
      `kustomization in ${relative(repoRoot, dir)}`,
    );
    if ((await stat(target)).isDirectory()) {
      if (!(await hashKustomizeInputs(hash, target, repoRoot, seen))) return false;
    } else {
      await hashFile(hash, target, repoRoot);
    }
  }
  return true;
}

async function readKustomization(dir: string): Promise<Record<string, unknown> | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    const text = await readFile(join(dir, name), "utf8").catch(() => undefined);
    if (text !== undefined) {
      const doc = parse(text, { maxAliasCount: 100 }) as unknown;
      return doc && typeof doc === "object" ? (doc as Record<string, unknown>) : undefined;
    }
  }
  return undefined;
}

function referencedPaths(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === "string" && !v.includes("\n"))
      out.push(v.includes("=") ? v.slice(v.indexOf("=") + 1) : v);
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
      for (const field of ["files", "envs"])
        if (Array.isArray(g?.[field])) (g[field] as unknown[]).forEach(add);
      add(g?.env);
    }
  }
  add((doc.openapi as { path?: unknown } | undefined)?.path);
  return out;
}
