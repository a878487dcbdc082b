import { currentInventory } from "../applying/apply-environment.js";
import type { KubeClient } from "../kube/kube-client.js";
import { liveDiff } from "../planning/live-diff.js";
import type { RenderedEnvironment } from "../planning/render-environment.js";
import { summarize } from "../planning/summarize-environment.js";
import type { EnvironmentPlan, ReleasePlan } from "../planning/types.js";

/**
 * The cluster view of one rendered environment: live objects against a server-side dry run, and what
 * the environment owns that the render no longer has. Releases that failed to render are reported, not
 * compared (their objects are unknown). The CLI (`plan --live`, `apply --dry-run`) and the bot's pull
 * request plans all come here with a render they already made.
 */
export async function clusterPlan(
  client: KubeClient,
  rendered: RenderedEnvironment,
  opts: { force: boolean },
): Promise<EnvironmentPlan> {
  const env = rendered.environment.name;
  // With a release missing from the render, "owned but not rendered" would wrongly list its objects
  // as deletions: show no deletions rather than false ones.
  const owned = rendered.failed.size > 0 ? [] : await currentInventory(client, env);
  const compared = await liveDiff(client, env, rendered.objects, owned, { force: opts.force });
  const failed: ReleasePlan[] = [...rendered.failed].map(([release, error]) => ({
    release,
    changes: [],
    unchanged: 0,
    error,
  }));
  return summarize(env, [...compared.releases, ...failed], [...rendered.findings, ...compared.findings]);
}
