import { globMatch } from "./glob-match.js";

interface RefMapping {
  name: string;
  branch?: string;
  tag?: string;
}

/** The environments a push deploys: those whose `branch` is the pushed branch, or whose `tag` glob matches. */
export function environmentsForRef<E extends RefMapping>(
  environments: readonly E[],
  refType: "branch" | "tag",
  refName: string,
): E[] {
  return environments.filter((env) =>
    refType === "branch" ? env.branch === refName : env.tag !== undefined && globMatch(env.tag, refName),
  );
}

/** The environment a pull request's base branch deploys to: the default for commands. */
export function environmentForBranch<E extends RefMapping>(
  environments: readonly E[],
  branch: string,
): E | undefined {
  return environments.find((env) => env.branch === branch);
}

/** Whether the operator's ref globs let this ref deploy (no globs of that kind: any ref the mapping names). */
export function refGranted(
  env: { branches?: string[]; tags?: string[] },
  refType: "branch" | "tag",
  refName: string,
): boolean {
  const globs = refType === "branch" ? env.branches : env.tags;
  if (!globs) return true;
  return globs.some((g) => globMatch(g, refName));
}
