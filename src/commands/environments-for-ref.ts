import type { EnvironmentConfig, ZakenakConfig } from "../config/schema.js";
import { globMatch } from "./glob-match.js";

/** The environments a push deploys: those whose `branch` is the pushed branch, or whose `tag` glob matches. */
export function environmentsForRef(
  config: ZakenakConfig,
  refType: "branch" | "tag",
  refName: string,
): EnvironmentConfig[] {
  return config.environments.filter((env) =>
    refType === "branch" ? env.branch === refName : env.tag !== undefined && globMatch(env.tag, refName),
  );
}

/** The environment a pull request's base branch deploys to: the default for commands. */
export function environmentForBranch(config: ZakenakConfig, branch: string): EnvironmentConfig | undefined {
  return config.environments.find((env) => env.branch === branch);
}
