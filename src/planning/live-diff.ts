import type { KubeClient } from "../kube/kube-client.js";
import type { Finding } from "../model/finding.js";
import type { KubeObject, RenderedObject } from "../model/kube-object.js";
import { mapLimit } from "../model/map-limit.js";
import { objectKey, objectRef } from "../model/object-key.js";
import { isSecret } from "../model/secret-forms.js";
import { secretValues } from "../model/secret-values.js";
import { withRetry } from "../retry.js";
import { type InventoryEntry, inventoryOf, removedEntries } from "../server-side-apply/inventory.js";
import { asStored, isSubset } from "../server-side-apply/is-subset.js";
import { liveObjectsOf } from "../server-side-apply/live-objects.js";
import { prepareObjects } from "../server-side-apply/prepare-objects.js";
import {
  APPLIED_HASH,
  ENVIRONMENT_LABEL,
  stripServerFields,
} from "../server-side-apply/strip-server-fields.js";
import { changedFields } from "./changed-fields.js";
import { toYaml, unifiedDiff } from "./diff-objects.js";
import { maskSecretPair } from "./mask-secrets.js";
import { redactError } from "./redact-error.js";
import { createRedactor } from "./secret-redactor.js";
import type { ObjectChange, ReleasePlan } from "./types.js";

const CONCURRENCY = 12;

interface PendingChange {
  release: ReleasePlan;
  action: ObjectChange["action"];
  object: KubeObject;
  before?: KubeObject | undefined;
  after?: KubeObject | undefined;
}

/**
 * The cluster view of a plan: each rendered object against what a server-side dry run says it would
 * become, both stripped of server-maintained fields; objects the environment owns and Git no longer has
 * are deletions. Objects Zakenak applied unchanged since (same desired-state hash, every field still
 * live) are settled without a dry run. Values of the rendered Secrets and of the live ones read here are
 * masked wherever they show up: in diffs, findings and errors.
 */
export async function liveDiff(
  client: KubeClient,
  environment: string,
  objects: readonly RenderedObject[],
  owned: readonly InventoryEntry[],
  opts: { force?: boolean } = {},
): Promise<{ releases: ReleasePlan[]; findings: Finding[] }> {
  const secrets = objects.map((o) => o.object).filter(isSecret);
  try {
    return await compare(client, environment, objects, owned, opts, secrets);
  } catch (err) {
    throw redactError(err, createRedactor(secrets));
  }
}

/** `liveDiff`; adds every live Secret it reads to `secrets`. */
async function compare(
  client: KubeClient,
  environment: string,
  objects: readonly RenderedObject[],
  owned: readonly InventoryEntry[],
  opts: { force?: boolean },
  secrets: KubeObject[],
): Promise<{ releases: ReleasePlan[]; findings: Finding[] }> {
  const findings: Finding[] = [];
  // Diffs are printed once every Secret is known: a value may be read after an object that copies it.
  const pending: PendingChange[] = [];
  const prepared = prepareObjects(
    objects.map((o) => o.object),
    environment,
  );
  const live = await liveObjectsOf(client, prepared, environment, CONCURRENCY);
  secrets.push(...[...live.values()].filter(isSecret));
  const byRelease = new Map<string, ReleasePlan>();
  const releaseOf = (name: string) => {
    let r = byRelease.get(name);
    if (!r) {
      r = { release: name, changes: [], unchanged: 0 };
      byRelease.set(name, r);
    }
    return r;
  };
  for (const o of objects) releaseOf(o.release);
  await mapLimit(prepared, CONCURRENCY, async (want, i) => {
    const release = releaseOf((objects[i] as RenderedObject).release);
    let current = live.get(objectKey(want));
    if (
      current &&
      current.metadata.annotations?.[APPLIED_HASH] === want.metadata.annotations?.[APPLIED_HASH] &&
      isSubset(asStored(want), current)
    ) {
      release.unchanged++;
      return;
    }
    if (!current) {
      current = await withRetry(() => client.get(refOf(want))).catch(unknownKindAsMissing);
      if (isSecret(current)) secrets.push(current);
    }
    const dryRun = (force: boolean) => withRetry(() => client.apply(want, { dryRun: true, force }));
    const after = await dryRun(opts.force === true).catch(
      async (err: { code?: string; message?: string }) => {
        // A namespace or CRD that this same revision creates: the server cannot dry-run into it yet.
        if (err.code === "not-found" || err.code === "unknown-kind") return want;
        if (err.code !== "apply-conflict") throw err;
        // The apply would stop here: say so, and still show what the change is.
        const source = objects[i] as RenderedObject;
        findings.push({
          rule: "field-conflict",
          severity: "error",
          file: source.file,
          object: objectRef(want),
          message: err.message ?? "field-manager conflict",
        });
        return dryRun(true);
      },
    );
    if (isSecret(after)) secrets.push(after);
    const before = current ? stripServerFields(current) : undefined;
    const stripped = stripServerFields(after);
    if (before && toYaml(before) === toYaml(stripped)) {
      release.unchanged++;
      return;
    }
    pending.push({ release, action: before ? "update" : "create", object: want, before, after: stripped });
  });
  const removed = removedEntries(owned, inventoryOf(prepared));
  await mapLimit(removed, CONCURRENCY, async (entry) => {
    const current = await withRetry(() => client.get(entry)).catch(unknownKindAsMissing);
    if (!current || current.metadata.annotations?.["zakenak.io/prune"] === "disabled") return;
    const owner = current.metadata.labels?.[ENVIRONMENT_LABEL];
    if (owner !== undefined && owner !== environment) return;
    if (isSecret(current)) secrets.push(current);
    const release = releaseOf("(removed from Git)");
    pending.push({ release, action: "delete", object: current, before: stripServerFields(current) });
  });
  const known = secretValues(secrets);
  const redact = createRedactor(secrets);
  for (const p of pending) {
    const [b, a] = maskSecretPair(p.before, p.after, known);
    const diff = unifiedDiff(b ? toYaml(b) : "", a ? toYaml(a) : "");
    const fields = p.action === "update" ? { fields: changedFields(p.before, p.after).map(redact) } : {};
    p.release.changes.push({ ...change(p.action, p.object, redact(diff)), ...fields });
  }
  for (const f of findings) f.message = redact(f.message);
  for (const r of byRelease.values()) r.changes.sort((x, y) => (refKey(x) < refKey(y) ? -1 : 1));
  return { releases: [...byRelease.values()], findings };
}

function unknownKindAsMissing(err: { code?: string }): undefined {
  if (err.code === "not-found" || err.code === "unknown-kind") return undefined;
  throw err;
}

function refOf(o: KubeObject) {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name as string,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  };
}

function change(action: ObjectChange["action"], o: KubeObject, diff: string): ObjectChange {
  return {
    action,
    apiVersion: o.apiVersion,
    kind: o.kind,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    name: o.metadata.name as string,
    diff,
  };
}

function refKey(c: ObjectChange): string {
  return `${c.kind}/${c.namespace ?? ""}/${c.name}`;
}
