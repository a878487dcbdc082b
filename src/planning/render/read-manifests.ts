import { readFileSync, statSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import type { InputLimits } from "../../config/input-limits.js";
import { resolveRepoPath } from "../../config/resolve-repo-path.js";
import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";
import { mapInTurns } from "../../model/map-in-turns.js";
import { assertManifestSizes } from "./assert-manifest-sizes.js";
import { parseManifests } from "./parse-manifests.js";

export const MANIFEST = /\.(ya?ml|json)$/i;

export interface ManifestText {
  /** Path relative to the repository root. */
  file: string;
  text: string;
}

/** Reads every YAML/JSON file under a directory, recursively and in path order. */
export async function readManifests(opts: {
  release: string;
  namespace?: string;
  dir: string;
  repoRoot: string;
  limits?: InputLimits;
}): Promise<{ objects: RenderedObject[]; findings: Finding[] }> {
  return parseManifestTexts(await readManifestTexts(opts), opts);
}

/**
 * The texts of the manifests under a directory, in path order, refusing symlinks that leave the repository,
 * and refusing by their sizes alone, before reading them, a file or a whole over `limits`.
 */
export async function readManifestTexts(opts: {
  release: string;
  dir: string;
  repoRoot: string;
  limits?: InputLimits;
}): Promise<ManifestText[]> {
  const entries = await readdir(opts.dir, { recursive: true, withFileTypes: true });
  const found = entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && MANIFEST.test(e.name))
    .map((e) => ({ path: join(e.parentPath, e.name), link: e.isSymbolicLink() }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // `dir` is already resolved inside the repository and a recursive readdir does not descend into
  // linked directories, so only the symlinks themselves can lead out: check those, not every file.
  for (const { path, link } of found) {
    if (link)
      await resolveRepoPath(
        opts.repoRoot,
        relative(opts.repoRoot, path),
        `manifest of release ${opts.release}`,
      );
  }
  // Many small files: synchronous calls in turns cost a fraction of promise-based ones.
  const sized = await mapInTurns(found, ({ path }) => ({
    path,
    file: relative(opts.repoRoot, path),
    bytes: statSync(path).size,
  }));
  assertManifestSizes(opts.release, relative(opts.repoRoot, opts.dir) || ".", sized, opts.limits);
  return mapInTurns(sized, ({ path, file }) => ({ file, text: readFileSync(path, "utf8") }));
}

/** Parses manifest texts into objects and findings, in order. */
export function parseManifestTexts(
  texts: readonly ManifestText[],
  opts: { release: string; namespace?: string },
): { objects: RenderedObject[]; findings: Finding[] } {
  const out = { objects: [] as RenderedObject[], findings: [] as Finding[] };
  for (const { file, text } of texts) {
    const parsed = parseManifests(text, {
      release: opts.release,
      file,
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
    });
    out.objects.push(...parsed.objects);
    out.findings.push(...parsed.findings);
  }
  return out;
}
