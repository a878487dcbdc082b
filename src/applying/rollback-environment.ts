import { ZakenakError } from "../errors.js";
import type { KubeClient } from "../kube/kube-client.js";
import {
  DEFAULT_HEALTH_TIMEOUT_SECONDS,
  type EnvironmentTarget,
  runRecorded,
  settleInterrupted,
} from "./apply-environment.js";
import { type DeployResult, deployObjects } from "./deploy-objects.js";
import { finishRevision } from "./history/finish-revision.js";
import { lastSuccessful } from "./history/last-successful.js";
import { listRevisions } from "./history/list-revisions.js";
import { readRevision } from "./history/read-revision.js";
import { recordRevision } from "./history/record-revision.js";
import { type EnvironmentLockOptions, withEnvironmentLock } from "./lock-environment.js";

export interface RollbackOptions extends EnvironmentLockOptions {
  client: KubeClient;
  environment: EnvironmentTarget;
  /** Revision to go back to; default: the last successful one before the one deployed now. */
  to?: number;
  actor: string;
  wait: boolean;
  log: (line: string) => void;
}

export interface RollbackOutcome {
  result: "succeeded" | "failed";
  /** The new revision recording the rollback. */
  revision: number;
  to: number;
  sha: string;
  deploy: DeployResult;
  message: string;
}

/** Re-applies a stored revision, without rendering anything, and records it as a new revision. */
export async function rollbackEnvironment(opts: RollbackOptions): Promise<RollbackOutcome> {
  const { client } = opts;
  const env = opts.environment.name;
  return withEnvironmentLock(client, env, opts, async (lock) => {
    const inventory = await settleInterrupted(client, env);
    const to = opts.to ?? (await defaultTarget(client, env));
    const stored = await readRevision(client, env, to).catch((err: unknown) => {
      throw new ZakenakError("revision-missing", `environment ${env} has no revision ${to}`, { cause: err });
    });
    const revision = await recordRevision(client, {
      environment: env,
      sha: stored.sha,
      ref: stored.ref,
      trigger: "rollback",
      actor: opts.actor,
      objects: stored.objects,
      inventory: stored.inventory,
      rollbackOf: to,
      ...(stored.charts ? { charts: stored.charts } : {}),
    });
    opts.log(
      `revision ${revision.number}: rolling ${env} back to revision ${to} (${stored.sha.slice(0, 12)})`,
    );
    const deploy = await runRecorded(client, env, revision.number, () =>
      deployObjects(client, stored.objects, {
        environment: env,
        force: opts.environment.forceConflicts === true,
        previousInventory: inventory,
        healthTimeoutMs: (opts.environment.healthTimeoutSeconds ?? DEFAULT_HEALTH_TIMEOUT_SECONDS) * 1000,
        wait: opts.wait,
        log: opts.log,
      }),
    );
    lock.assertHeld();
    const result = deploy.health.healthy ? "succeeded" : "failed";
    await finishRevision(client, env, revision.number, { result, message: deploy.health.message });
    const message =
      result === "succeeded"
        ? `rolled ${env} back to revision ${to}; recorded as revision ${revision.number}. Revert the change in Git too, or the next deploy brings it back.`
        : `rollback of ${env} to revision ${to} applied but is not healthy: ${deploy.health.message}`;
    return { result, revision: revision.number, to, sha: stored.sha, deploy, message };
  });
}

async function defaultTarget(client: KubeClient, env: string): Promise<number> {
  const revisions = await listRevisions(client, env);
  // The revision deployed now is the newest one whatever its result: a failed apply leaves the
  // environment part-way to it, and going back means going to the last success before it. A reconcile
  // only applied an earlier revision again: going back from it means going back from that one.
  const current = revisions.find((r) => r.trigger !== "reconcile");
  if (!current) throw new ZakenakError("revision-missing", `environment ${env} has no revisions`);
  const target = await lastSuccessful(client, env, { before: current.number });
  if (!target) {
    throw new ZakenakError(
      "revision-missing",
      `environment ${env} has no successful revision before revision ${current.number}`,
    );
  }
  return target.number;
}
