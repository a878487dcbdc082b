import type { KubeClient } from "../kube/kube-client.js";
import type { KubeObject } from "../model/kube-object.js";
import { redactError } from "../planning/redact-error.js";
import { createRedactor } from "../planning/secret-redactor.js";
import { type InventoryEntry, inventoryOf, removedEntries } from "../server-side-apply/inventory.js";
import { prepareObjects } from "../server-side-apply/prepare-objects.js";
import { applyObjects } from "./apply-objects.js";
import { type HealthResult, waitForHealth } from "./health/wait-for-health.js";
import { pruneObjects } from "./prune-objects.js";

export interface DeployOptions {
  environment: string;
  force?: boolean;
  /** What the environment owned before: objects in it and not in `objects` are pruned. */
  previousInventory: readonly InventoryEntry[];
  healthTimeoutMs: number;
  /** False: do not wait for health (a cluster with no controllers, or a caller that checks later). */
  wait: boolean;
  log: (line: string) => void;
  /** The environment's live objects, read already (see `ApplyObjectsOptions.live`). */
  live?: Promise<Map<string, KubeObject>>;
}

export interface DeployResult {
  written: string[];
  unchanged: number;
  pruned: string[];
  keptFromPrune: string[];
  health: HealthResult;
}

/**
 * Apply, prune, then wait for health: the part shared by apply, rollback and automatic rollback. Server
 * errors and health conditions may quote any object's content (a Secret's value copied into a
 * ConfigMap), so the Secret values being deployed are redacted from everything that leaves here: log
 * lines, the health message and errors. Outcome messages, comments and the revision history are built
 * from those alone.
 */
export async function deployObjects(
  client: KubeClient,
  objects: readonly KubeObject[],
  opts: DeployOptions,
): Promise<DeployResult> {
  const redact = createRedactor(objects);
  try {
    const result = await deploy(client, objects, { ...opts, log: (line) => opts.log(redact(line)) });
    return { ...result, health: { ...result.health, message: redact(result.health.message) } };
  } catch (err) {
    throw redactError(err, redact);
  }
}

async function deploy(
  client: KubeClient,
  objects: readonly KubeObject[],
  opts: DeployOptions,
): Promise<DeployResult> {
  const prepared = prepareObjects(objects, opts.environment);
  const applied = await applyObjects(client, prepared, {
    environment: opts.environment,
    ...(opts.force !== undefined ? { force: opts.force } : {}),
    ...(opts.live ? { live: opts.live } : {}),
  });
  opts.log(`applied: ${applied.written.length} written, ${applied.unchanged} unchanged`);
  const removed = removedEntries(opts.previousInventory, inventoryOf(objects));
  const pruned = await pruneObjects(client, removed, opts.environment);
  if (pruned.deleted.length > 0) opts.log(`pruned: ${pruned.deleted.join(", ")}`);
  if (pruned.kept.length > 0) opts.log(`kept (zakenak.io/prune: disabled): ${pruned.kept.join(", ")}`);
  let health: HealthResult = { healthy: true, message: "health not checked (--no-wait)" };
  if (opts.wait) {
    let lastReport = 0;
    health = await waitForHealth(client, objects, {
      timeoutMs: opts.healthTimeoutMs,
      onWait: (pending) => {
        if (Date.now() - lastReport < 5_000) return;
        lastReport = Date.now();
        opts.log(`waiting for health: ${pending.join("; ")}`);
      },
    });
  }
  return {
    written: applied.written,
    unchanged: applied.unchanged,
    pruned: pruned.deleted,
    keptFromPrune: pruned.kept,
    health,
  };
}
