import type { KubeClient } from "../kube/kube-client.js";
import type { Finding } from "../model/finding.js";
import type { KubeObject, RenderedObject } from "../model/kube-object.js";
import { mapLimit } from "../model/map-limit.js";
import { objectKey, objectRef } from "../model/object-key.js";
import { withRetry } from "../retry.js";
import { type InventoryEntry, inventoryOf, removedEntries } from "../server-side-apply/inventory.js";
import { asStored, isSubset } from "../server-side-apply/is-subset.js";
import { prepareObjects } from "../server-side-apply/prepare-objects.js";
import {
  APPLIED_HASH,
  ENVIRONMENT_LABEL,
  stripServerFields,
} from "../server-side-apply/strip-server-fields.js";
import { toYaml, unifiedDiff } from "./diff-objects.js";
import { maskSecretPair } from "./mask-secrets.js";
import type { ObjectChange, ReleasePlan } from "./types.js";

const CONCURRENCY = 12;

/**
 * The cluster view of a plan: each rendered object against what a server-side dry run says it would
 * become, both stripped of server-maintained fields; objects the environment owns and Git no longer has
 * are deletions. Objects Zakenak applied unchanged since (same desired-state hash, every field still
 * live) are settled without a dry run.
 */
export async function liveDiff(
  client: KubeClient,
  environment: string,
  objects: readonly RenderedObject[],
  owned: readonly InventoryEntry[],
  opts: { force?: boolean } = {},
): Promise<{ releases: ReleasePlan[]; findings: Finding[] }> {
  const findings: Finding[] = [];
  const prepared = prepareObjects(
    objects.map((o) => o.object),
    environment,
  );
  const live = await listOwned(client, prepared, environment);
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
    current ??= await withRetry(() => client.get(refOf(want))).catch(unknownKindAsMissing);
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
    const before = current ? stripServerFields(current) : undefined;
    const stripped = stripServerFields(after);
    const [b, a] = maskSecretPair(before, stripped);
    const oldText = b ? toYaml(b) : "";
    const newText = toYaml(a as KubeObject);
    if (before && toYaml(before) === toYaml(stripped)) {
      release.unchanged++;
      return;
    }
    release.changes.push(change(before ? "update" : "create", want, unifiedDiff(oldText, newText)));
  });
  const removed = removedEntries(owned, inventoryOf(prepared));
  await mapLimit(removed, CONCURRENCY, async (entry) => {
    const current = await withRetry(() => client.get(entry)).catch(unknownKindAsMissing);
    if (!current || current.metadata.annotations?.["zakenak.io/prune"] === "disabled") return;
    const owner = current.metadata.labels?.[ENVIRONMENT_LABEL];
    if (owner !== undefined && owner !== environment) return;
    const [b] = maskSecretPair(stripServerFields(current), undefined);
    releaseOf("(removed from Git)").changes.push(
      change("delete", current, unifiedDiff(toYaml(b as KubeObject), "")),
    );
  });
  for (const r of byRelease.values()) r.changes.sort((x, y) => (refKey(x) < refKey(y) ? -1 : 1));
  return { releases: [...byRelease.values()], findings };
}

async function listOwned(
  client: KubeClient,
  objects: KubeObject[],
  environment: string,
): Promise<Map<string, KubeObject>> {
  const kinds = new Map(objects.map((o) => [`${o.apiVersion}/${o.kind}`, o]));
  const live = new Map<string, KubeObject>();
  await mapLimit([...kinds.values()], CONCURRENCY, async (o) => {
    const found = await withRetry(() =>
      client.list(o.apiVersion, o.kind, { labelSelector: `${ENVIRONMENT_LABEL}=${environment}` }),
    ).catch((err: { code?: string }) => {
      if (err.code === "not-found" || err.code === "unknown-kind") return [];
      throw err;
    });
    for (const f of found) live.set(objectKey({ ...f, apiVersion: o.apiVersion }), f);
  });
  return live;
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
