import { join, resolve } from "node:path";
import { diskConfigCache } from "../config/config-cache.js";
import { inputLimits } from "../config/input-limits.js";
import { planRepository } from "../planning/plan-repository.js";
import { diskRenderCache, noRenderCache } from "../planning/render/render-cache.js";
import type { Plan } from "../planning/types.js";
import { createProgress } from "../reporting/progress.js";
import { cacheRoot } from "../tools/cache-root.js";
import { cliChartSettings } from "./chart-settings.js";
import type { CliIo } from "./cli-io.js";
import { imageLookups } from "./image-lookups.js";

export interface RunPlanOptions {
  repo?: string;
  base?: string | null;
  head?: string;
  env?: string[];
  noCache?: boolean;
  /** false: count changes only (validate). */
  diffs?: boolean;
  /** Scan the files the head changes against the base for secrets; default false (validate has no change). */
  scanSecrets?: boolean;
  /** Look images up in their registries, unless ZAKENAK_IMAGE_CHECK=off; default false (validate stays offline). */
  imageCheck?: boolean;
}

/** Runs a repository plan with the CLI's defaults: disk cache, progress on a terminal. */
export async function runPlan(opts: RunPlanOptions, io: CliIo): Promise<Plan> {
  let progress: ReturnType<typeof createProgress> | undefined;
  const images = opts.imageCheck ? await imageLookups(io.env) : undefined;
  const plan = await planRepository({
    repoDir: resolve(io.cwd, opts.repo ?? "."),
    ...(opts.base !== undefined ? { base: opts.base } : {}),
    ...(opts.head !== undefined ? { head: opts.head } : {}),
    ...(opts.env ? { environments: opts.env } : {}),
    cache: opts.noCache ? noRenderCache : diskRenderCache(join(cacheRoot(io.env), "renders")),
    ...(opts.noCache ? {} : { configCache: diskConfigCache(join(cacheRoot(io.env), "configs")) }),
    limits: inputLimits(io.env),
    charts: await cliChartSettings(io.env),
    ...(opts.diffs === false ? { diffs: false } : {}),
    ...(opts.scanSecrets ? { scanSecrets: true } : {}),
    ...(images ? { images } : {}),
    onProgress: (done, total, label) => {
      progress ??= createProgress({ stream: io.stderr, total, label: "Rendering" });
      progress.tick(label);
      if (done === total) progress.done();
    },
  });
  return plan;
}

/** Render failures, printed on stderr whatever the format, so they are not lost in a long report. */
export function reportRenderErrors(plan: Plan, io: CliIo): void {
  const seen = new Set<string>();
  for (const env of plan.environments) {
    for (const r of env.releases) {
      if (!r.error || seen.has(r.error)) continue;
      seen.add(r.error);
      io.stderr.write(`zakenak: ${r.error}\n`);
    }
  }
}
