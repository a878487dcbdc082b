import { currentInventory } from "../applying/apply-environment.js";
import type { KubeClient } from "../kube/kube-client.js";
import { liveDiff } from "./live-diff.js";
import type { RenderCache } from "./render/render-cache.js";
import { renderEnvironment } from "./render-environment.js";
import { summarize } from "./summarize-environment.js";
import type { EnvironmentPlan, ReleasePlan } from "./types.js";

/**
 * The cluster view of one environment: its render at `head` (or the working tree) against the live
 * cluster. Releases that failed to render are reported, not compared (their objects are unknown).
 */
export async function planLive(opts: {
  client: KubeClient;
  repoDir: string;
  head?: string;
  environment: string;
  cache: RenderCache;
  onProgress?: (done: number, total: number, label: string) => void;
}): Promise<{ plan: EnvironmentPlan; head: string }> {
  const rendered = await renderEnvironment({
    repoDir: opts.repoDir,
    ...(opts.head !== undefined ? { ref: opts.head } : {}),
    environment: opts.environment,
    cache: opts.cache,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  // With a release missing from the render, "owned but not rendered" would wrongly list its objects
  // as deletions: show no deletions rather than false ones.
  const owned = rendered.failed.size > 0 ? [] : await currentInventory(opts.client, opts.environment);
  const compared = await liveDiff(opts.client, opts.environment, rendered.objects, owned, {
    force: rendered.environment.forceConflicts === true,
  });
  const failed: ReleasePlan[] = [...rendered.failed].map(([release, error]) => ({
    release,
    changes: [],
    unchanged: 0,
    error,
  }));
  return {
    plan: summarize(
      opts.environment,
      [...compared.releases, ...failed],
      [...rendered.findings, ...compared.findings],
    ),
    head: rendered.ref,
  };
}
