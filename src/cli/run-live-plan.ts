import { join, resolve } from "node:path";
import { loadConfig } from "../config/load-config.js";
import { ZakenakError } from "../errors.js";
import { connectKube } from "../kube/connect-kube.js";
import { planLive } from "../planning/plan-live.js";
import { diskRenderCache } from "../planning/render/render-cache.js";
import type { EnvironmentPlan, Plan } from "../planning/types.js";
import { cacheRoot } from "../tools/cache-root.js";
import { RULES } from "../validation/rules.js";
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
  const known = config.environments.map((e) => e.name);
  for (const e of args.env ?? []) {
    if (!known.includes(e))
      throw new ZakenakError("usage", `unknown environment "${e}" (known: ${known.join(", ")})`);
  }
  const selected = config.environments.filter((e) => !args.env?.length || args.env.includes(e.name));
  const cache = diskRenderCache(join(cacheRoot(io.env), "renders"));
  const environments: EnvironmentPlan[] = [];
  let head = "working tree";
  let server = "";
  for (const env of selected) {
    const context = args.context ?? env.kubeContext;
    const client = await connectKube({
      ...(args.kubeconfig ? { kubeconfig: args.kubeconfig } : {}),
      ...(context ? { context } : {}),
      env: io.env,
    });
    try {
      const out = await planLive({
        client,
        repoDir,
        ...(args.head ? { head: args.head } : {}),
        environment: env.name,
        cache,
      });
      environments.push(out.plan);
      head = out.head;
      server = client.server;
    } finally {
      client.close();
    }
  }
  return { base: `cluster ${server}`.trim(), head, view: "cluster", environments };
}
