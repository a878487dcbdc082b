import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { applyEnvironment } from "../applying/apply-environment.js";
import { inputLimits } from "../config/input-limits.js";
import { diskRenderCache } from "../planning/render/render-cache.js";
import { assertDeployable, renderEnvironment } from "../planning/render-environment.js";
import { cacheRoot } from "../tools/cache-root.js";
import { cliChartSettings } from "./chart-settings.js";
import type { CliIo } from "./cli-io.js";
import { CLUSTER_OPTIONS, openCluster } from "./cluster-options.js";
import { CHANGE_OPTIONS, cliLockOptions, parseLockArgs } from "./lock-wait.js";

/**
 * `zakenak apply --env NAME`: render, lock, apply, prune, wait for health, record the revision; roll
 * back by itself when health fails. Exit 0 applied and healthy, 1 otherwise (including rolled back).
 */
export async function applyCommand(args: string[], io: CliIo): Promise<number> {
  // Phases, for profiling (bench/lib/trace-requests.mjs prints them): loaded, cluster-opened (config,
  // kubeconfig), rendered (read, parsed, validated), locked, recorded, deployed, applied.
  performance.mark("zakenak:loaded");
  const { values } = parseArgs({
    args,
    options: {
      ...CLUSTER_OPTIONS,
      ref: { type: "string" },
      "dry-run": { type: "boolean" },
      ...CHANGE_OPTIONS,
    },
    strict: true,
  });
  const lockArgs = parseLockArgs(values);
  const session = await openCluster(values, io, "apply", true);
  performance.mark("zakenak:cluster-opened");
  try {
    // Discovery and the TLS handshakes go on while the manifests are read, parsed and validated.
    session.client.warmUp();
    const rendered = await renderEnvironment({
      repoDir: resolve(io.cwd, values.repo ?? "."),
      ...(values.ref !== undefined ? { ref: values.ref } : {}),
      environment: session.environment.name,
      cache: diskRenderCache(join(cacheRoot(io.env), "renders")),
      limits: inputLimits(io.env),
      charts: await cliChartSettings(io.env, values["server-config"]),
    });
    assertDeployable(rendered);
    performance.mark("zakenak:rendered");
    const log = (line: string) => io.stderr.write(`${line}\n`);
    if (values["dry-run"]) {
      // Only a dry run needs the diff and the report: an apply does not load them.
      const [{ clusterPlan }, { renderText }, { useColor }] = await Promise.all([
        import("../cluster-view/cluster-plan.js"),
        import("../reporting/render-text.js"),
        import("./use-color.js"),
      ]);
      const plan = {
        base: `cluster (${session.client.server})`,
        head: rendered.ref,
        view: "cluster" as const,
        environments: [
          await clusterPlan(session.client, rendered, { force: session.environment.forceConflicts === true }),
        ],
      };
      io.stdout.write(renderText(plan, { color: useColor(io) }));
      io.stdout.write("dry run: nothing was applied\n");
      return 0;
    }
    const outcome = await applyEnvironment({
      client: session.client,
      environment: session.environment,
      objects: rendered.objects.map((o) => o.object),
      charts: rendered.charts,
      sha: rendered.sha ?? "unknown",
      ref: rendered.ref,
      actor: session.actor,
      ...cliLockOptions(session, lockArgs, log),
      wait: !values["no-wait"],
      log,
    });
    performance.mark("zakenak:applied");
    io.stdout.write(`${outcome.message}\n`);
    return outcome.result === "succeeded" ? 0 : 1;
  } finally {
    session.client.close();
  }
}
