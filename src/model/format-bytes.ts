const UNITS = [
  [1024 * 1024 * 1024, "GiB"],
  [1024 * 1024, "MiB"],
  [1024, "KiB"],
] as const;

/** A byte count as people read it: `1 MiB`, `1.5 MiB`, `256 KiB`, `900 bytes` (at most two decimals). */
export function formatBytes(bytes: number): string {
  for (const [size, unit] of UNITS) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(2))} ${unit}`;
  }
  return `${bytes} bytes`;
}
