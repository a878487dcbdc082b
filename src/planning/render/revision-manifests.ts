import { posix } from "node:path";
import type { InputLimits } from "../../config/input-limits.js";
import type { RevisionTree } from "../revision-tree.js";
import { assertManifestSizes } from "./assert-manifest-sizes.js";
import { byRel, isRegular, normal } from "./input-key.js";
import { type ParsedManifests, parseManifests } from "./parse-manifests.js";
import { MANIFEST } from "./read-manifests.js";

/**
 * Reads a manifests directory of a revision from git's object store, like `readManifests` reads a
 * checkout of it: every YAML/JSON file below it, in path order. Undefined when only a checkout can tell
 * (a symlink, a missing directory, a file where the directory should be).
 */
export async function readRevisionManifests(
  tree: RevisionTree,
  opts: { release: string; namespace?: string; path: string; limits?: InputLimits },
): Promise<ParsedManifests | undefined> {
  const found = await tree.files(opts.path);
  const root = normal(opts.path);
  if (!found || found.length === 0 || found.some((f) => !isRegular(f) || f.rel === root)) return undefined;
  const files = found.filter((f) => MANIFEST.test(posix.basename(f.rel))).sort(byRel);
  const blobs = files.length > 0 ? await tree.read([...new Set(files.map((f) => f.oid))]) : new Map();
  // git tells blob sizes only with the blobs: refused after reading, still before any parsing.
  const sized = files.map((f) => ({ file: f.rel, bytes: (blobs.get(f.oid) as Buffer).length }));
  assertManifestSizes(opts.release, opts.path, sized, opts.limits);
  const out: ParsedManifests = { objects: [], findings: [] };
  for (const f of files) {
    const parsed = parseManifests((blobs.get(f.oid) as Buffer).toString("utf8"), {
      release: opts.release,
      file: f.rel,
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
    });
    out.objects.push(...parsed.objects);
    out.findings.push(...parsed.findings);
  }
  return out;
}
