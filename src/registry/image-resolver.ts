import { globMatch } from "../commands/glob-match.js";
import type { AuthCache } from "./authorized-request.js";
import { fetchHarborArtifact, type HarborOutcome } from "./harbor/harbor-artifact.js";
import type { ImageReference } from "./image-reference.js";
import { lookupManifest, type ManifestLookup } from "./lookup-manifest.js";
import { accessFor, hasCredentials, type RegistryAccess } from "./registry-access.js";
import { createSlots } from "./slots.js";

export type ImageStatus =
  /** `needsCredentials`: anonymous access was refused and the configured credentials worked. */
  | { status: "found"; digest: string; needsCredentials: boolean }
  | { status: "missing"; message: string }
  /** The registry refused the credentials configured for it. */
  | { status: "refused"; message: string }
  /** The registry refused anonymous access and no credentials are configured for it. */
  | { status: "needs-credentials"; message: string }
  | { status: "unreachable"; message: string }
  /** The registry's host is not among the operator's allowed image sources: no request was made. */
  | { status: "not-allowed"; message: string };

export interface ImageResolverOptions {
  registries: readonly RegistryAccess[];
  /** Deadline of one image's lookup, every request of it included. */
  timeoutMs: number;
  /** Lookups in flight at once. */
  concurrency: number;
  /**
   * Host globs (`*.example.com`, `*`) whose images may be looked up; unset: any host (the CLI, where the
   * user names what is planned). The bot sets it from the server configuration.
   */
  allowedHosts?: readonly string[];
}

/** Looks images up once each, concurrently within a limit; one per plan, so its caches die with it. */
export interface ImageResolver {
  resolve(ref: ImageReference): Promise<ImageStatus>;
  /** How its registry is reached: configured credentials, CA, Harbor settings. */
  access(ref: ImageReference): RegistryAccess;
  /** The Harbor summary of a found image, or undefined when its registry is not configured as Harbor. */
  harbor(ref: ImageReference, digest: string): Promise<HarborOutcome | undefined>;
}

export function createImageResolver(opts: ImageResolverOptions): ImageResolver {
  const slots = createSlots(opts.concurrency);
  const auth: AuthCache = new Map();
  const lookups = new Map<string, Promise<ImageStatus>>();
  const scans = new Map<string, Promise<HarborOutcome | undefined>>();
  // A registry that could not be reached once is not asked again in this plan: one timeout, not one per image.
  const down = new Map<string, string>();

  const lookup = async (ref: ImageReference): Promise<ImageStatus> => {
    const allowed = opts.allowedHosts;
    const host = ref.registry.toLowerCase();
    if (allowed && !allowed.some((glob) => globMatch(glob.toLowerCase(), host))) {
      return {
        status: "not-allowed",
        message: `${ref.registry} is not an allowed image source (add it to imageSources or registries in the server configuration); not looked up`,
      };
    }
    const access = accessFor(opts.registries, ref.registry);
    const known = down.get(access.host);
    if (known) return { status: "unreachable", message: known };
    const signal = AbortSignal.timeout(opts.timeoutMs);
    const attempt = (withCredentials: boolean) =>
      lookupManifest(ref, access, { withCredentials, signal, cache: auth });
    const anonymous = await attempt(false);
    let result: ManifestLookup = anonymous;
    let withCredentials = false;
    // Some registries answer 404 rather than 401 to strangers asking for a private repository.
    if (hasCredentials(access) && (anonymous.status === "denied" || anonymous.status === "missing")) {
      result = await attempt(true);
      withCredentials = true;
    }
    switch (result.status) {
      case "found":
        return { status: "found", digest: result.digest, needsCredentials: withCredentials };
      case "missing":
        return result;
      case "denied":
        return { status: withCredentials ? "refused" : "needs-credentials", message: result.message };
      case "unreachable":
        down.set(access.host, result.message);
        return result;
    }
  };

  return {
    access: (ref) => accessFor(opts.registries, ref.registry),
    resolve(ref) {
      let pending = lookups.get(ref.canonical);
      if (!pending) {
        pending = slots.run(() => lookup(ref));
        lookups.set(ref.canonical, pending);
      }
      return pending;
    },
    harbor(ref, digest) {
      const access = accessFor(opts.registries, ref.registry);
      const harbor = access.harbor;
      if (!harbor) return Promise.resolve(undefined);
      const key = `${ref.registry}/${ref.repository}@${digest}`;
      let pending = scans.get(key);
      if (!pending) {
        pending = slots.run(() =>
          fetchHarborArtifact({ ...access, harbor }, ref, digest, AbortSignal.timeout(opts.timeoutMs)),
        );
        scans.set(key, pending);
      }
      return pending;
    },
  };
}
