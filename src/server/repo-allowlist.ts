/**
 * Compiles `ZAKENAK_REPO_ALLOWLIST` globs into a predicate on `owner/name`. `*` matches within one
 * path segment, `**` across segments (GitLab subgroups: `acme/**`). Matching ignores case, as the hosts
 * do for repository names. An empty list allows every repository.
 */
export function repoAllowlist(globs: readonly string[]): (fullName: string) => boolean {
  if (globs.length === 0) return () => true;
  const patterns = globs.map(globToRegExp);
  return (fullName) => patterns.some((p) => p.test(fullName));
}

function globToRegExp(glob: string): RegExp {
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
