/**
 * Matches a tag against a glob from `.zakenak.yaml`: `*` is any run of characters (slashes included,
 * since tag names are flat for this purpose), `?` one character; everything else is literal.
 */
export function globMatch(glob: string, text: string): boolean {
  const source = [...glob]
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\/-]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "s").test(text);
}
