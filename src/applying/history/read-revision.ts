import { ZakenakError } from "../../errors.js";
import type { KubeClient } from "../../kube/kube-client.js";
import type { KubeObject } from "../../model/kube-object.js";
import { SYSTEM_NAMESPACE } from "../lock/system-namespace.js";
import type { InventoryEntry, Revision, RevisionSummary } from "./revision.js";
import { decodeManifests, sha256Hex } from "./revision-payload.js";
import {
  ann,
  CHUNK_KEY,
  INVENTORY_KEY,
  MANIFESTS_KEY,
  PART_LABEL,
  PART_TYPE,
  partsSelector,
  revisionSecretName,
  secretData,
  secretRef,
  summaryFromSecret,
} from "./revision-secret.js";

/** The revision Secret, or a `revision-missing` error naming what was asked for. */
export async function getRevisionSecret(
  client: KubeClient,
  environment: string,
  n: number,
): Promise<KubeObject> {
  const secret = await client.get(secretRef(revisionSecretName(environment, n)));
  if (!secret) throw new ZakenakError("revision-missing", `revision ${n} of ${environment} does not exist`);
  return secret;
}

/**
 * A revision with its objects and inventory. Chunked manifests are reassembled and checked against the
 * sha256 recorded with them: a missing or altered part is an error, never a silently shorter revision.
 */
export async function readRevision(client: KubeClient, environment: string, n: number): Promise<Revision> {
  const secret = await getRevisionSecret(client, environment, n);
  const summary = summaryFromSecret(environment, secret);
  const data = secretData(secret);
  const incomplete = (why: string, cause?: unknown) => {
    const recording = summary.result === "in-progress" ? " (it may still be being recorded)" : "";
    return new ZakenakError(
      "revision-incomplete",
      `revision ${n} of ${environment} is incomplete: ${why}${recording}`,
      {
        cause,
      },
    );
  };

  let gzip: Buffer;
  if (summary.parts === 0) {
    const inline = data[MANIFESTS_KEY];
    if (inline === undefined) throw incomplete(`${MANIFESTS_KEY} missing`);
    gzip = Buffer.from(inline, "base64");
  } else {
    gzip = await readParts(client, summary, incomplete);
  }
  if (sha256Hex(gzip) !== secret.metadata.annotations?.[ann.manifestsSha256]) {
    throw incomplete("its manifests do not match their recorded sha256 (altered or truncated)");
  }
  let objects: KubeObject[];
  try {
    objects = await decodeManifests(gzip);
  } catch (err) {
    throw incomplete(
      `its manifests cannot be decoded: ${err instanceof Error ? err.message : String(err)}`,
      err,
    );
  }
  let inventory: InventoryEntry[];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(data[INVENTORY_KEY] ?? "", "base64").toString("utf8"));
    if (!Array.isArray(parsed)) throw new Error("not a JSON array");
    inventory = parsed as InventoryEntry[];
  } catch (err) {
    throw incomplete(`${INVENTORY_KEY} missing or unreadable`, err);
  }
  return { ...summary, objects, inventory };
}

async function readParts(
  client: KubeClient,
  summary: RevisionSummary,
  incomplete: (why: string) => ZakenakError,
): Promise<Buffer> {
  const found = await client.list("v1", "Secret", {
    namespace: SYSTEM_NAMESPACE,
    labelSelector: partsSelector(summary.environment, summary.number),
  });
  const byIndex = new Map<string, KubeObject>();
  for (const part of found) {
    const k = part.metadata.labels?.[PART_LABEL];
    if (part.type === PART_TYPE && k !== undefined) byIndex.set(k, part);
  }
  const chunks: Buffer[] = [];
  for (let k = 1; k <= summary.parts; k++) {
    const part = byIndex.get(String(k));
    if (!part) throw incomplete(`part ${k} missing`);
    const chunk = secretData(part)[CHUNK_KEY];
    if (chunk === undefined) throw incomplete(`part ${k} is empty`);
    chunks.push(Buffer.from(chunk, "base64"));
  }
  return Buffer.concat(chunks);
}
