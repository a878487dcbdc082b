import { performance } from "node:perf_hooks";
import { ZakenakError } from "../errors.js";
import type { KubeClient } from "../kube/kube-client.js";
import type { DeployedChart } from "../model/chart-record.js";
import type { KubeObject } from "../model/kube-object.js";
import { entryKey, type InventoryEntry, inventoryOf } from "../server-side-apply/inventory.js";
import { liveObjectsOf } from "../server-side-apply/live-objects.js";
import { APPLY_CONCURRENCY } from "./apply-objects.js";
import { type DeployResult, deployObjects } from "./deploy-objects.js";
import { finishRevision } from "./history/finish-revision.js";
import { lastSuccessful } from "./history/last-successful.js";
import { listRevisions } from "./history/list-revisions.js";
import { pruneHistory } from "./history/prune-history.js";
import { readRevision } from "./history/read-revision.js";
import { recordRevision } from "./history/record-revision.js";
import type { RevisionSummary } from "./history/revision.js";
import { type EnvironmentLockOptions, withEnvironmentLock } from "./lock-environment.js";

export const DEFAULT_HEALTH_TIMEOUT_SECONDS = 300;
export const DEFAULT_HISTORY_LIMIT = 20;

export interface EnvironmentTarget {
  name: string;
  healthTimeoutSeconds?: number;
  forceConflicts?: boolean;
  historyLimit?: number;
}

export interface ApplyEnvironmentOptions extends EnvironmentLockOptions {
  client: KubeClient;
  environment: EnvironmentTarget;
  objects: readonly KubeObject[];
  /** The charts pulled for the objects, recorded with the revision. */
  charts?: readonly DeployedChart[];
  sha: string;
  ref: string;
  actor: string;
  wait: boolean;
  log: (line: string) => void;
  /**
   * Runs holding the lock, before anything is written: a reason not to apply after all (a replayed or
   * overtaken commit), judged against the environment's history as it is under the lock.
   */
  precheck?: (revisions: RevisionSummary[]) => Promise<string | undefined>;
  /** Called once the revision is recorded, before anything is written: the deploy has really started. */
  started?: (revision: number) => void;
}

export type ApplyResult = "succeeded" | "failed" | "rolled-back";

export interface ApplyOutcome {
  result: ApplyResult;
  revision: number;
  deploy: DeployResult;
  /** Set when health failed and the environment went back to an earlier revision by itself. */
  rollback?: { to: number; revision: number; result: "succeeded" | "failed"; deploy: DeployResult };
  message: string;
}

/**
 * Applies a rendered environment under its lock and records the revision. When health fails, goes back
 * to the last successful revision by itself and says so. If the cluster goes away midway the error is
 * thrown and the revision is never marked as succeeded.
 */
export async function applyEnvironment(opts: ApplyEnvironmentOptions): Promise<ApplyOutcome> {
  const { client, environment } = opts;
  const env = environment.name;
  return withEnvironmentLock(client, env, opts, async (lock) => {
    performance.mark("zakenak:locked");
    // Read under the lock, so nobody writes them meanwhile, and while the history is read and written:
    // the live objects decide which writes an unchanged object can skip.
    const live = liveObjectsOf(client, opts.objects, env, APPLY_CONCURRENCY);
    live.catch(() => undefined); // awaited below, unless the history work fails first
    // One read of the history serves all three: settling only turns `in-progress` into `failed`, which
    // neither the inventory, the precheck nor the next revision's number looks at.
    const revisions = await listRevisions(client, env);
    const previous = await settleInterrupted(client, env, revisions);
    const reason = await opts.precheck?.(revisions);
    if (reason !== undefined) throw new ZakenakError("not-deployed", reason);
    const revision = await recordRevision(client, {
      revisions,
      environment: env,
      sha: opts.sha,
      ref: opts.ref,
      trigger: "apply",
      actor: opts.actor,
      objects: [...opts.objects],
      inventory: inventoryOf(opts.objects),
      ...(opts.charts?.length ? { charts: [...opts.charts] } : {}),
    });
    performance.mark("zakenak:recorded");
    opts.started?.(revision.number);
    opts.log(`revision ${revision.number}: applying ${opts.objects.length} objects to ${env}`);
    const deploy = await runRecorded(client, env, revision.number, () =>
      deployObjects(client, opts.objects, { ...deployOptions(opts, previous), live }),
    );
    performance.mark("zakenak:deployed");
    lock.assertHeld();
    if (deploy.health.healthy) {
      await finishRevision(client, env, revision.number, {
        result: "succeeded",
        message: deploy.health.message,
      });
      const keep = environment.historyLimit ?? DEFAULT_HISTORY_LIMIT;
      // Nobody else records a revision while the lock is held: the list read under it says whether any
      // revision is now one too many, so a short history is not listed (and its data fetched) again.
      if (revisions.length + 1 > keep) await pruneHistory(client, env, keep);
      return {
        result: "succeeded",
        revision: revision.number,
        deploy,
        message: `revision ${revision.number} applied; ${deploy.health.message}`,
      };
    }
    const target = await lastSuccessful(client, env, { before: revision.number });
    if (!target) {
      await finishRevision(client, env, revision.number, {
        result: "failed",
        message: deploy.health.message,
      });
      return {
        result: "failed",
        revision: revision.number,
        deploy,
        message: `health failed: ${deploy.health.message}; no earlier successful revision to roll back to`,
      };
    }
    lock.assertHeld();
    opts.log(`health failed (${deploy.health.message}); rolling back to revision ${target.number}`);
    await finishRevision(client, env, revision.number, {
      result: "rolled-back",
      message: deploy.health.message,
    });
    const stored = await readRevision(client, env, target.number);
    const back = await recordRevision(client, {
      environment: env,
      sha: stored.sha,
      ref: stored.ref,
      trigger: "auto-rollback",
      actor: "zakenak",
      objects: stored.objects,
      inventory: stored.inventory,
      rollbackOf: target.number,
      ...(stored.charts ? { charts: stored.charts } : {}),
    });
    const rb = await runRecorded(client, env, back.number, () =>
      deployObjects(client, stored.objects, deployOptions(opts, inventoryOf(opts.objects))),
    );
    const rbResult = rb.health.healthy ? "succeeded" : "failed";
    await finishRevision(client, env, back.number, { result: rbResult, message: rb.health.message });
    return {
      result: "rolled-back",
      revision: revision.number,
      deploy,
      rollback: { to: target.number, revision: back.number, result: rbResult, deploy: rb },
      message: `health failed: ${deploy.health.message}; rolled back to revision ${target.number} (recorded as revision ${back.number}, ${rbResult})`,
    };
  });
}

function deployOptions(opts: ApplyEnvironmentOptions, previousInventory: ReturnType<typeof inventoryOf>) {
  return {
    environment: opts.environment.name,
    force: opts.environment.forceConflicts === true,
    previousInventory,
    healthTimeoutMs: (opts.environment.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS) * 1000,
    wait: opts.wait,
    log: opts.log,
  };
}

/** Runs a deploy; on an error marks the revision failed (when the cluster still answers) and rethrows. */
export async function runRecorded<T>(
  client: KubeClient,
  env: string,
  revision: number,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await finishRevision(client, env, revision, { result: "failed", message }).catch(() => {});
    throw err;
  }
}

/**
 * Marks revisions left `in-progress` by a process that died (its lock expired, so it is gone) as failed,
 * and returns the inventory the environment owns now: that of the newest revision, whatever its result,
 * since a failed apply may still have created objects.
 */
export async function settleInterrupted(
  client: KubeClient,
  env: string,
  known?: RevisionSummary[],
): Promise<ReturnType<typeof inventoryOf>> {
  const revisions = known ?? (await listRevisions(client, env));
  for (const r of revisions.filter((r) => r.result === "in-progress")) {
    await finishRevision(client, env, r.number, {
      result: "failed",
      message: "interrupted: the process applying it stopped",
    });
  }
  return currentInventory(client, env, revisions);
}

/** The inventory of the newest revision: what the environment owns now. Reads only. */
export async function currentInventory(
  client: KubeClient,
  env: string,
  revisions?: Awaited<ReturnType<typeof listRevisions>>,
): Promise<ReturnType<typeof inventoryOf>> {
  const all = revisions ?? (await listRevisions(client, env));
  // Every revision since the last success may have created objects (a failed apply stops part-way,
  // and the one after it may fail before pruning): the environment owns what any of them listed.
  const lastGood = all.findIndex((r) => r.result === "succeeded");
  const owning = lastGood === -1 ? all : all.slice(0, lastGood + 1);
  const owned = new Map<string, InventoryEntry>();
  for (const r of owning) {
    // A revision that history retention already removed has nothing left to tell.
    const stored = await readRevision(client, env, r.number).catch((err: { code?: string }) => {
      if (err.code === "revision-missing") return undefined;
      throw err;
    });
    for (const e of stored?.inventory ?? []) owned.set(entryKey(e), e);
  }
  return [...owned.values()];
}
