import { isZakenakError } from "../errors.js";
import type { KubeClient } from "../kube/kube-client.js";
import { isRetryable } from "../retry.js";
import {
  DEFAULT_HEALTH_TIMEOUT_SECONDS,
  DEFAULT_HISTORY_LIMIT,
  type EnvironmentTarget,
  runRecorded,
  settleInterrupted,
} from "./apply-environment.js";
import { type DeployResult, deployObjects } from "./deploy-objects.js";
import { finishRevision } from "./history/finish-revision.js";
import { listRevisions } from "./history/list-revisions.js";
import { pruneHistory } from "./history/prune-history.js";
import { readRevision } from "./history/read-revision.js";
import { recordRevision } from "./history/record-revision.js";
import { withEnvironmentLock } from "./lock-environment.js";

export interface ReconcileOptions {
  client: KubeClient;
  environment: EnvironmentTarget;
  /** The deployed revision the drift was found against: applied again only if it still is the deployed one. */
  revision: number;
  holder: string;
  holderDescription: string;
  leaseSeconds?: number;
  wait: boolean;
  log: (line: string) => void;
}

export type ReconcileOutcome =
  | { result: "skipped"; reason: string }
  | {
      result: "succeeded" | "failed";
      /** The new revision recording the reconcile. */
      revision: number;
      of: number;
      sha: string;
      /** Absent when the server refused the apply. */
      deploy?: DeployResult;
      message: string;
    };

/**
 * Applies the deployed revision again, taking back what was changed behind Zakenak's back, and records
 * it as a `reconcile` revision. It never waits for the environment's lock: a deploy holding it is
 * changing the environment anyway, so healing gives way and the next check looks again. Fields the
 * revision sets are taken over from whichever field manager changed them (a hand edit by kubectl is
 * exactly that), so healing is forced; fields the revision does not set are left alone.
 */
export async function reconcileEnvironment(opts: ReconcileOptions): Promise<ReconcileOutcome> {
  const { client } = opts;
  const env = opts.environment.name;
  try {
    return await withEnvironmentLock(
      client,
      env,
      { ...opts, lockWaitMs: 0, ...(opts.leaseSeconds ? { leaseSeconds: opts.leaseSeconds } : {}) },
      async (lock) => {
        const revisions = await listRevisions(client, env);
        const inventory = await settleInterrupted(client, env, revisions);
        const deployed = revisions.find((r) => r.result === "succeeded")?.number;
        if (deployed !== opts.revision) {
          return {
            result: "skipped" as const,
            reason: `revision ${opts.revision} is no longer the deployed one (now ${deployed ?? "none"})`,
          };
        }
        const stored = await readRevision(client, env, opts.revision);
        const revision = await recordRevision(client, {
          environment: env,
          sha: stored.sha,
          ref: stored.ref,
          trigger: "reconcile",
          actor: "zakenak",
          objects: stored.objects,
          inventory: stored.inventory,
          rollbackOf: opts.revision,
        });
        opts.log(`revision ${revision.number}: applying revision ${opts.revision} of ${env} again (drift)`);
        let deploy: DeployResult;
        try {
          deploy = await runRecorded(client, env, revision.number, () =>
            deployObjects(client, stored.objects, {
              environment: env,
              force: true,
              previousInventory: inventory,
              healthTimeoutMs:
                (opts.environment.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS) * 1000,
              wait: opts.wait,
              log: opts.log,
            }),
          );
        } catch (err) {
          // The server refused (an admission webhook, a quota): the revision says failed, and so does
          // healing. An unreachable server is the caller's to judge.
          if (isRetryable(err)) throw err;
          const why = err instanceof Error ? err.message : String(err);
          const message = `healing ${env} failed applying revision ${opts.revision} again: ${why}`;
          return { result: "failed", revision: revision.number, of: opts.revision, sha: stored.sha, message };
        }
        lock.assertHeld();
        const result = deploy.health.healthy ? "succeeded" : "failed";
        await finishRevision(client, env, revision.number, { result, message: deploy.health.message });
        if (result === "succeeded") {
          await pruneHistory(client, env, opts.environment.historyLimit ?? DEFAULT_HISTORY_LIMIT);
        }
        const message =
          result === "succeeded"
            ? `healed ${env}: revision ${opts.revision} applied again, recorded as revision ${revision.number}`
            : `healing ${env} applied revision ${opts.revision} again but it is not healthy: ${deploy.health.message}`;
        return { result, revision: revision.number, of: opts.revision, sha: stored.sha, deploy, message };
      },
    );
  } catch (err) {
    if (isZakenakError(err) && err.code === "locked") {
      return { result: "skipped", reason: `not healed now: ${err.message}` };
    }
    throw err;
  }
}
