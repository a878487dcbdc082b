import { CONFIG_FILE, parseConfig } from "../config/load-config.js";
import { ZakenakError } from "../errors.js";
import type { GitHost } from "../hosts/git-host.js";
import type { RepoRef } from "../hosts/host-event.js";
import { type TrustedPolicy, trustedPolicy } from "../trust/trusted-policy.js";
import { RULES } from "../validation/rules.js";
import type { BotContext } from "./bot-context.js";

/** Adapters may offer this beyond `GitHost`; used only when the event did not say. */
interface DefaultBranchLookup {
  defaultBranch?(repo: RepoRef): Promise<string>;
}

/** The repository's default branch: from the event, else from the host when it can tell. */
export async function defaultBranchOf(host: GitHost, repo: RepoRef): Promise<string> {
  if (repo.defaultBranch) return repo.defaultBranch;
  const lookup = (host as GitHost & DefaultBranchLookup).defaultBranch;
  if (typeof lookup === "function") return lookup.call(host, repo);
  // Guessing (main, master) could read a branch anyone with write access can create: refuse instead.
  throw new ZakenakError(
    "invalid",
    `cannot tell the default branch of ${repo.fullName}, so its policy cannot be read`,
  );
}

/**
 * The trusted policy of the repository: `.zakenak.yaml` from the DEFAULT branch, never a pushed commit's
 * or a pull request's head, checked against what the operator grants the repository. A change must not
 * be able to pick its environment or cluster, lower the permissions needed to act on it, or switch off a
 * validation rule.
 */
export async function readTrustedPolicy(
  ctx: Pick<BotContext, "host" | "repo" | "grant">,
): Promise<TrustedPolicy> {
  const { host, repo } = ctx;
  const branch = await defaultBranchOf(host, repo);
  const text = await host.readFile(repo, branch, CONFIG_FILE);
  if (text === undefined) {
    throw new ZakenakError("config-missing", `no ${CONFIG_FILE} on the default branch ${branch}`);
  }
  const config = parseConfig(
    text,
    `${CONFIG_FILE} (branch ${branch})`,
    RULES.map((r) => r.id),
  );
  return trustedPolicy(config, branch, ctx.grant);
}
