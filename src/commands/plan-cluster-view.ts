import { clusterPlan } from "../cluster-view/cluster-plan.js";
import { isZakenakError } from "../errors.js";
import type { RenderedEnvironment } from "../planning/render-environment.js";
import type { EnvironmentPlan } from "../planning/types.js";
import type { TrustedPolicy } from "../trust/trusted-policy.js";
import type { BotContext } from "./bot-context.js";
import { withCluster } from "./with-cluster.js";

export interface ClusterView {
  environments: EnvironmentPlan[];
  /** Environments without a cluster view, with why: the repository view stands alone there. */
  skipped: { environment: string; reason: string }[];
}

/** Errors that mean "no cluster to compare with here", not "the plan failed". */
const UNREACHABLE = new Set([
  "cluster-unavailable",
  "config-missing",
  "config-invalid",
  "unauthorized",
  "forbidden",
]);

/**
 * The cluster view of a pull request's head: each environment's render (made once, for the repository
 * view) against its live cluster. Only the operator and the default branch pick the cluster (the
 * trusted policy); the operator decides whether pull requests, and those from forks, get a view at all.
 * A cluster that cannot be reached is noted, never a failed plan.
 */
export async function planClusterView(
  ctx: Pick<BotContext, "kube">,
  policy: TrustedPolicy,
  heads: ReadonlyMap<string, RenderedEnvironment>,
  pr: { fromFork: boolean },
): Promise<ClusterView> {
  const view: ClusterView = { environments: [], skipped: [] };
  const setting = policy.grant.clusterView;
  const refusal =
    setting === "none"
      ? `no cluster view: ${policy.grant.source} gives pull requests none (pullRequests.clusterView)`
      : setting === "same-repository" && pr.fromFork
        ? `no cluster view for a pull request from a fork: ${policy.grant.source} allows it for the repository's own branches only (pullRequests.clusterView)`
        : undefined;
  for (const [name, rendered] of heads) {
    if (refusal) {
      view.skipped.push({ environment: name, reason: refusal });
      continue;
    }
    const env = policy.environments.find((e) => e.name === name);
    if (!env) {
      const refused = policy.refused.find((e) => e.name === name);
      view.skipped.push({
        environment: name,
        reason: refused
          ? `no cluster view: refused [${refused.rule}]: ${refused.reason}`
          : `no cluster view: the default branch ${policy.defaultBranch} has no environment ${name}`,
      });
      continue;
    }
    try {
      view.environments.push(
        await withCluster(ctx, env, (client) => clusterPlan(client, rendered, { force: env.forceConflicts })),
      );
    } catch (err) {
      if (!isZakenakError(err) || !UNREACHABLE.has(err.code)) throw err;
      const reason = err.message.split("\n")[0] ?? err.message;
      view.skipped.push({ environment: name, reason: `cluster not reachable (${reason})` });
    }
  }
  return view;
}
