import { type Zippable, zipSync } from "fflate";

/** A zip of `files` as Azure DevOps' items API sends it, optionally wrapped in `topDir/`. */
export function makeZip(files: Record<string, string>, topDir?: string): Buffer {
  const tree: Zippable = {};
  for (const [path, text] of Object.entries(files)) {
    tree[topDir ? `${topDir}/${path}` : path] = new TextEncoder().encode(text);
  }
  return Buffer.from(zipSync(tree));
}

/** One crafted entry: a Unix mode (e.g. 0o120777 for a symlink) rides in the external attributes. */
export interface CraftedZipEntry {
  name: string;
  data: string | Uint8Array;
  mode?: number;
  level?: 0 | 9;
}

export function craftZip(entries: CraftedZipEntry[]): Buffer {
  const tree: Zippable = {};
  for (const e of entries) {
    const data = typeof e.data === "string" ? new TextEncoder().encode(e.data) : e.data;
    tree[e.name] = [
      data,
      { level: e.level ?? 6, ...(e.mode !== undefined ? { os: 3, attrs: (e.mode << 16) >>> 0 } : {}) },
    ];
  }
  return Buffer.from(zipSync(tree));
}
