/**
 * Compiles `owner/name` globs into a predicate. `*` matches within one path segment, `**` across
 * segments (GitLab subgroups: `acme/**`); `*` or `**` alone matches every repository. Matching ignores
 * case, as the hosts do for repository names. An empty list allows nothing: serving every repository
 * must be written down.
 */
export function repoAllowlist(globs: readonly string[]): (fullName: string) => boolean {
  const patterns = globs.map(globToRegExp);
  return (fullName) => patterns.some((p) => p.test(fullName));
}

function globToRegExp(glob: string): RegExp {
  if (glob === "*" || glob === "**") return /^.*$/;
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === "*" && glob.charAt(i + 1) === "*") {
      source += ".*";
      i++;
    } else if (c === "*") {
      source += "[^/]*";
    } else {
      source += c.replace(/[.+?^${}()|[\]\\-]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`, "i");
}
