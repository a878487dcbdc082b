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

/**
 * An object as the API server stores it, for comparing with a live one: a v1 Secret's stringData is
 * written into data (base64) and never stored itself.
 */
export function asStored<T extends { apiVersion: string; kind: string; [key: string]: unknown }>(obj: T): T {
  if (
    obj.apiVersion !== "v1" ||
    obj.kind !== "Secret" ||
    !obj.stringData ||
    typeof obj.stringData !== "object"
  )
    return obj;
  const { stringData, ...rest } = obj;
  const data: Record<string, unknown> = { ...((obj.data as Record<string, unknown> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(stringData as Record<string, unknown>)) {
    data[k] = Buffer.from(String(v), "utf8").toString("base64");
  }
  return { ...rest, data } as unknown as T;
}
