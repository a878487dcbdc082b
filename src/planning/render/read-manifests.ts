import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { resolveRepoPath } from "../../config/resolve-repo-path.js";
import type { Finding, RenderedObject } from "../types.js";
import { parseManifests } from "./parse-manifests.js";

export const MANIFEST = /\.(ya?ml|json)$/i;

/** Reads every YAML/JSON file under a directory, recursively and in path order. */
export async function readManifests(opts: {
  release: string;
  namespace?: string;
  dir: string;
  repoRoot: string;
}): Promise<{ objects: RenderedObject[]; findings: Finding[] }> {
  const entries = await readdir(opts.dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && MANIFEST.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const out = { objects: [] as RenderedObject[], findings: [] as Finding[] };
  for (const f of files) {
    const file = relative(opts.repoRoot, f);
    await resolveRepoPath(opts.repoRoot, file, `manifest of release ${opts.release}`);
    const parsed = parseManifests(await readFile(f, "utf8"), {
      release: opts.release,
      file,
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
    });
    out.objects.push(...parsed.objects);
    out.findings.push(...parsed.findings);
  }
  return out;
}
