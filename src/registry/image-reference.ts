/** A container image reference, normalized as the container runtime reads it. */
export interface ImageReference {
  /** The reference as written in the manifest. */
  original: string;
  /** The registry as images name it: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  registry: string;
  /** The host the distribution API is served from (`registry-1.docker.io` for `docker.io`). */
  endpoint: string;
  /** The repository path inside the registry: `library/nginx`, `acme/app`. */
  repository: string;
  tag?: string;
  /** `sha256:…`; when set, the runtime pulls by digest and the tag is informational. */
  digest?: string;
  /** What the manifest lookup asks for: the digest when there is one, else the tag (`latest` by default). */
  reference: string;
  /** `registry/repository:tag`, or `registry/repository@digest`, defaults spelled out: the key of a lookup. */
  canonical: string;
}

const DOCKER_HUB = "docker.io";
const DOCKER_HUB_ENDPOINT = "registry-1.docker.io";
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;

/**
 * Parses an image reference with the container runtimes' defaults: a first path component is a registry
 * only when it looks like a host (a dot, a port, `localhost`, or upper case); otherwise the image is on
 * Docker Hub, where a single name is an official image under `library/`. Throws an Error naming the
 * reference and what is wrong with it.
 */
export function parseImageReference(original: string): ImageReference {
  const fail = (why: string): never => {
    throw new Error(`image "${original}" is not a valid reference: ${why}`);
  };
  if (original.trim() !== original || original === "") fail("empty, or surrounded by white space");
  let rest = original;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(`"${digest}" is not a digest (algorithm:hex)`);
  }
  let tag: string | undefined;
  const colon = rest.indexOf(":", rest.lastIndexOf("/") + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`"${tag}" is not a valid tag`);
  }
  const slash = rest.indexOf("/");
  const first = slash < 0 ? "" : rest.slice(0, slash);
  const hasRegistry =
    slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first);
  let registry = hasRegistry ? first : DOCKER_HUB;
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (hasRegistry && !HOST.test(registry)) fail(`"${registry}" is not a registry host`);
  if (registry === "index.docker.io") registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes("/")) repository = `library/${repository}`;
  if (repository === "" || !repository.split("/").every((c) => COMPONENT.test(c))) {
    fail(`"${repository}" is not a repository path (lower-case letters, digits and separators)`);
  }
  const reference = digest ?? tag ?? "latest";
  const canonical = `${registry}/${repository}${digest ? `@${digest}` : `:${reference}`}`;
  return {
    original,
    registry,
    endpoint: registry === DOCKER_HUB ? DOCKER_HUB_ENDPOINT : registry,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    reference,
    canonical,
  };
}
