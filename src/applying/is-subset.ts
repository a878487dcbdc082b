/**
 * True when every field of `want` has the same value in `have` (extra fields in `have`, such as server
 * defaults, are ignored; lists must match element by element).
 */
export function isSubset(want: unknown, have: unknown): boolean {
  if (want === have) return true;
  if (Array.isArray(want)) {
    return Array.isArray(have) && want.length === have.length && want.every((w, i) => isSubset(w, have[i]));
  }
  if (want && typeof want === "object") {
    if (!have || typeof have !== "object" || Array.isArray(have)) return false;
    const h = have as Record<string, unknown>;
    return Object.entries(want as Record<string, unknown>).every(([k, v]) => isSubset(v, h[k]));
  }
  // The server keeps integers as numbers; a string "1" in Git against 1 live is a real difference.
  return false;
}
