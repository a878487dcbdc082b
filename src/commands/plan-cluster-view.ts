import type { ZakenakConfig } from "../config/schema.js";
import { isZakenakError } from "../errors.js";
import { planLive } from "../planning/plan-live.js";
import type { EnvironmentPlan } from "../planning/types.js";
import type { BotContext } from "./bot-context.js";
import { withCluster } from "./with-cluster.js";

export interface ClusterView {
  environments: EnvironmentPlan[];
  /** Environments whose cluster could not be reached, with why: the repository view stands alone there. */
  unreachable: { environment: string; reason: string }[];
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
 * The cluster view of a pull request's head for every environment whose cluster answers: live objects
 * against a server-side dry run. A cluster that cannot be reached is noted, never a failed plan.
 */
export async function planClusterView(
  ctx: Pick<BotContext, "kube" | "cache">,
  config: ZakenakConfig,
  repoDir: string,
  environments: string[],
): Promise<ClusterView> {
  const view: ClusterView = { environments: [], unreachable: [] };
  for (const name of environments) {
    const env = config.environments.find((e) => e.name === name);
    if (!env) continue;
    try {
      const out = await withCluster(ctx, env, (client) =>
        planLive({ client, repoDir, head: "HEAD", environment: name, cache: ctx.cache }),
      );
      view.environments.push(out.plan);
    } catch (err) {
      if (!isZakenakError(err) || !UNREACHABLE.has(err.code)) throw err;
      view.unreachable.push({ environment: name, reason: err.message.split("\n")[0] ?? err.message });
    }
  }
  return view;
}
