import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import type { KubeObject } from "../../model/kube-object.js";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Bytes per Secret: the API server caps a Secret's data at 1 MiB, and a part travels base64-encoded in
 * a JSON request, so stay well below.
 */
export const PART_BYTES = 896 * 1024;

/** A revision bigger than this compressed is refused rather than filling etcd (2 GiB by default). */
export const MAX_COMPRESSED_BYTES = 32 * 1024 * 1024;

export interface EncodedManifests {
  gzip: Buffer;
  sha256: string;
}

// Asynchronous zlib runs on the thread pool: a multi-megabyte revision must not stall lock renewals.
export async function encodeManifests(objects: KubeObject[]): Promise<EncodedManifests> {
  const compressed = await gzipAsync(Buffer.from(JSON.stringify(objects), "utf8"));
  return { gzip: compressed, sha256: sha256Hex(compressed) };
}

export async function decodeManifests(compressed: Buffer): Promise<KubeObject[]> {
  const parsed: unknown = JSON.parse((await gunzipAsync(compressed)).toString("utf8"));
  if (!Array.isArray(parsed)) throw new Error("the manifests are not a JSON array");
  return parsed as KubeObject[];
}

export function splitIntoParts(buf: Buffer, size = PART_BYTES): Buffer[] {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < buf.length; offset += size) parts.push(buf.subarray(offset, offset + size));
  return parts;
}

export function sha256Hex(buf: Buffer): string {
  return createHash("sha256").update(buf).digest("hex");
}
