import { join, resolve } from "node:path";
import { clusterPlan } from "../cluster-view/cluster-plan.js";
import { inputLimits } from "../config/input-limits.js";
import { loadConfig } from "../config/load-config.js";
import { selectEnvironments } from "../config/select-environments.js";
import { connectKube } from "../kube/connect-kube.js";
import { diskRenderCache } from "../planning/render/render-cache.js";
import { renderEnvironment } from "../planning/render-environment.js";
import type { EnvironmentPlan, Plan } from "../planning/types.js";
import { cacheRoot } from "../tools/cache-root.js";
import { RULES } from "../validation/rules.js";
import { cliChartSettings } from "./chart-settings.js";
import type { CliIo } from "./cli-io.js";

export interface LivePlanArgs {
  repo?: string;
  head?: string;
  env?: string[];
  kubeconfig?: string;
  context?: string;
}

/** `zakenak plan --live`: each environment's render against its own cluster (its kubeContext). */
export async function runLivePlan(args: LivePlanArgs, io: CliIo): Promise<Plan> {
  const repoDir = resolve(io.cwd, args.repo ?? ".");
  const config = await loadConfig(
    repoDir,
    RULES.map((r) => r.id),
  );
  const names = selectEnvironments(
    config.environments.map((e) => e.name),
    args.env,
  );
  const cache = diskRenderCache(join(cacheRoot(io.env), "renders"));
  const limits = inputLimits(io.env);
  const charts = await cliChartSettings(io.env);
  const environments: EnvironmentPlan[] = [];
  let head = "working tree";
  let server = "";
  for (const env of config.environments.filter((e) => names.includes(e.name))) {
    const rendered = await renderEnvironment({
      repoDir,
      ...(args.head ? { ref: args.head } : {}),
      environment: env.name,
      cache,
      limits,
      charts,
    });
    const context = args.context ?? env.kubeContext;
    const client = await connectKube({
      ...(args.kubeconfig ? { kubeconfig: args.kubeconfig } : {}),
      ...(context ? { context } : {}),
      env: io.env,
    });
    try {
      environments.push(await clusterPlan(client, rendered, { force: env.forceConflicts === true }));
      head = rendered.ref;
      server = client.server;
    } finally {
      client.close();
    }
  }
  return { base: `cluster ${server}`.trim(), head, view: "cluster", environments };
}
