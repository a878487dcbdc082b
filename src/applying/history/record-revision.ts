import { ZakenakError } from "../../errors.js";
import type { KubeClient } from "../../kube/kube-client.js";
import type { DeployedChart } from "../../model/chart-record.js";
import type { KubeObject } from "../../model/kube-object.js";
import { isWriteConflict } from "../lock/kube-error-code.js";
import { ensureSystemNamespace, SYSTEM_NAMESPACE } from "../lock/system-namespace.js";
import { listRevisions } from "./list-revisions.js";
import type { InventoryEntry, Revision, RevisionSummary, RevisionTrigger } from "./revision.js";
import { encodeManifests, MAX_COMPRESSED_BYTES, PART_BYTES } from "./revision-payload.js";
import {
  ann,
  historyLabels,
  INVENTORY_KEY,
  MANIFESTS_KEY,
  REVISION_LABEL,
  REVISION_TYPE,
  revisionSecretName,
  secretRef,
  summaryFromSecret,
} from "./revision-secret.js";
import { writeParts } from "./write-parts.js";

export interface RecordRevisionInput {
  environment: string;
  sha: string;
  ref: string;
  trigger: RevisionTrigger;
  actor: string;
  /** The objects as applied; stored gzipped, read back by rollbacks. */
  objects: KubeObject[];
  inventory: InventoryEntry[];
  rollbackOf?: number;
  /** The charts pulled from registries for these objects, with their digests. */
  charts?: DeployedChart[];
  /** The environment's revisions, as the caller just read them holding its lock; listed here otherwise. */
  revisions?: readonly RevisionSummary[];
}

// Two recorders racing for the same number: the loser moves on to the next one.
const MAX_NUMBER_ATTEMPTS = 20;

/** Stores a new revision, numbered one past the highest existing, with result `in-progress`. */
export async function recordRevision(client: KubeClient, input: RecordRevisionInput): Promise<Revision> {
  const { environment } = input;
  const encoded = await encodeManifests(input.objects);
  const inventoryJson = Buffer.from(JSON.stringify(input.inventory), "utf8");
  if (encoded.gzip.length > MAX_COMPRESSED_BYTES || inventoryJson.length > PART_BYTES) {
    throw new ZakenakError(
      "history-too-large",
      `the revision of ${environment} is too large to record: ${input.objects.length} objects, ` +
        `${encoded.gzip.length} bytes compressed (limit ${MAX_COMPRESSED_BYTES}), inventory ` +
        `${inventoryJson.length} bytes (limit ${PART_BYTES})`,
    );
  }
  const inline = encoded.gzip.length + inventoryJson.length <= PART_BYTES;
  const partCount = inline ? 0 : Math.ceil(encoded.gzip.length / PART_BYTES);
  await ensureSystemNamespace(client);

  const known = input.revisions ?? (await listRevisions(client, environment));
  // Newest first, as listRevisions returns them; a number taken meanwhile only costs a retry below.
  let n = (known[0]?.number ?? 0) + 1;
  const startedAt = new Date().toISOString();
  for (let attempt = 1; ; attempt++, n++) {
    const secret: KubeObject = {
      apiVersion: "v1",
      kind: "Secret",
      type: REVISION_TYPE,
      // The stored manifests are history: only the annotations (result, finished-at) change later.
      immutable: true,
      metadata: {
        name: revisionSecretName(environment, n),
        namespace: SYSTEM_NAMESPACE,
        labels: { ...historyLabels(environment), [REVISION_LABEL]: String(n) },
        annotations: {
          [ann.sha]: input.sha,
          [ann.ref]: input.ref,
          [ann.trigger]: input.trigger,
          [ann.actor]: input.actor,
          [ann.startedAt]: startedAt,
          [ann.result]: "in-progress",
          ...(input.rollbackOf !== undefined ? { [ann.rollbackOf]: String(input.rollbackOf) } : {}),
          [ann.objectCount]: String(input.objects.length),
          [ann.manifestsSha256]: encoded.sha256,
          [ann.compressedBytes]: String(encoded.gzip.length),
          [ann.parts]: String(partCount),
          ...(input.charts?.length ? { [ann.charts]: JSON.stringify(input.charts) } : {}),
        },
      },
      data: {
        [INVENTORY_KEY]: inventoryJson.toString("base64"),
        ...(inline ? { [MANIFESTS_KEY]: encoded.gzip.toString("base64") } : {}),
      },
    };
    let created: KubeObject;
    try {
      created = await client.create(secret);
    } catch (err) {
      if (isWriteConflict(err) && attempt < MAX_NUMBER_ATTEMPTS) continue;
      throw err;
    }
    if (!inline) {
      try {
        await writeParts(client, environment, n, created, encoded.gzip);
      } catch (err) {
        // A revision without all its parts cannot be rolled back to: take it away rather than keep a
        // record that fails only when someone needs it.
        await client.delete(secretRef(revisionSecretName(environment, n))).catch(() => undefined);
        throw err;
      }
    }
    return { ...summaryFromSecret(environment, created), objects: input.objects, inventory: input.inventory };
  }
}
