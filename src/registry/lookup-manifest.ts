import { createHash } from "node:crypto";
import { type AuthCache, authorizedRequest } from "./authorized-request.js";
import { type HttpResponse, NetworkError } from "./http-request.js";
import type { ImageReference } from "./image-reference.js";
import type { RegistryAccess } from "./registry-access.js";

export type ManifestLookup =
  | { status: "found"; digest: string; mediaType?: string }
  | { status: "missing"; message: string }
  | { status: "denied"; message: string }
  | { status: "unreachable"; message: string };

/** Every manifest kind an image can have, so the registry never converts one or answers 404 for an index. */
export const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** The distribution spec's manifest size limit that registries enforce. */
const MAX_MANIFEST_BYTES = 4 << 20;

export interface LookupOptions {
  withCredentials: boolean;
  signal: AbortSignal;
  cache: AuthCache;
}

export function manifestUrl(ref: ImageReference, access: RegistryAccess): URL {
  const scheme = access.plainHttp ? "http" : "https";
  return new URL(`${scheme}://${ref.endpoint}/v2/${ref.repository}/manifests/${ref.reference}`);
}

function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorCodes(res: HttpResponse): string {
  try {
    const body = JSON.parse(res.body.toString("utf8")) as { errors?: { code?: unknown }[] };
    const codes = (body.errors ?? []).map((e) => e.code).filter((c) => typeof c === "string");
    return codes.length > 0 ? ` (${codes.join(", ")})` : "";
  } catch {
    return "";
  }
}

/**
 * Looks an image's manifest up through the OCI distribution API: HEAD first (no pull counted), GET when
 * the registry does not answer HEAD or names no digest. The digest is the registry's, or the SHA-256 of
 * the manifest's bytes. Every outcome is a result; nothing is thrown.
 */
export async function lookupManifest(
  ref: ImageReference,
  access: RegistryAccess,
  opts: LookupOptions,
): Promise<ManifestLookup> {
  const url = manifestUrl(ref, access);
  const where = `${ref.registry}/${ref.repository}`;
  const request = (method: "GET" | "HEAD") =>
    authorizedRequest(url, {
      method,
      headers: { accept: MANIFEST_ACCEPT },
      access,
      repository: ref.repository,
      withCredentials: opts.withCredentials,
      signal: opts.signal,
      cache: opts.cache,
      maxBodyBytes: MAX_MANIFEST_BYTES,
    });
  try {
    let outcome = await request("HEAD");
    if ("denied" in outcome) return { status: "denied", message: outcome.denied };
    let res = outcome.response;
    if (
      res.status === 405 ||
      res.status === 400 ||
      (res.status === 200 && !header(res, "docker-content-digest"))
    ) {
      outcome = await request("GET");
      if ("denied" in outcome) return { status: "denied", message: outcome.denied };
      res = outcome.response;
    }
    if (res.status === 200) {
      const digest =
        header(res, "docker-content-digest") ??
        `sha256:${createHash("sha256").update(res.body).digest("hex")}`;
      const mediaType = header(res, "content-type")?.split(";")[0]?.trim();
      return { status: "found", digest, ...(mediaType ? { mediaType } : {}) };
    }
    if (res.status === 404) {
      const what = ref.digest ? `digest ${ref.digest}` : `tag ${ref.reference}`;
      return { status: "missing", message: `${what} not found in ${where}${errorCodes(res)}` };
    }
    if (res.status === 403) {
      return { status: "denied", message: `${ref.registry} denied access to ${ref.repository} (HTTP 403)` };
    }
    const why = res.status === 429 ? "rate limited (HTTP 429)" : `HTTP ${res.status}${errorCodes(res)}`;
    return { status: "unreachable", message: `${ref.registry} answered ${why} for ${where}` };
  } catch (err) {
    if (err instanceof NetworkError) return { status: "unreachable", message: err.message };
    return { status: "unreachable", message: `${ref.registry}: ${(err as Error).message}` };
  }
}
