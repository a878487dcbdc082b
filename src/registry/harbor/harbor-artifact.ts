import { basicAuthorization } from "../bearer-token.js";
import { NetworkError, sendRequest } from "../http-request.js";
import type { ImageReference } from "../image-reference.js";
import type { HarborAccess, RegistryAccess } from "../registry-access.js";
import { type HarborArtifactSummary, summarizeArtifact } from "./summarize-artifact.js";

export type HarborOutcome = { artifact: HarborArtifactSummary } | { error: string };

/** Both report formats Harbor can summarize, newest first: Harbor answers with the first it has. */
export const ACCEPT_VULNERABILITIES =
  "application/vnd.security.vulnerability.report; version=1.1, " +
  "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0";

/**
 * Harbor names an artifact by project and repository: the first path component of the image's repository
 * is the project, the rest the repository, percent-encoded twice as Harbor's API asks (`a/b` → `a%252Fb`).
 */
export function harborArtifactUrl(
  harbor: HarborAccess,
  ref: ImageReference,
  digest: string,
): URL | undefined {
  const slash = ref.repository.indexOf("/");
  if (slash < 0) return undefined;
  const project = encodeURIComponent(ref.repository.slice(0, slash));
  const repository = encodeURIComponent(encodeURIComponent(ref.repository.slice(slash + 1)));
  const base = harbor.url.replace(/\/+$/, "");
  const url = new URL(`${base}/api/v2.0/projects/${project}/repositories/${repository}/artifacts/${digest}`);
  url.searchParams.set("with_scan_overview", "true");
  url.searchParams.set("with_accessory", "true");
  url.searchParams.set("with_tag", "false");
  return url;
}

/**
 * Reads an artifact's scan overview and accessories (its cosign or notation signatures) from Harbor's API,
 * as the registry's configured user (a robot account is enough: it reads artifacts of its projects).
 */
export async function fetchHarborArtifact(
  access: RegistryAccess & { harbor: HarborAccess },
  ref: ImageReference,
  digest: string,
  signal: AbortSignal,
): Promise<HarborOutcome> {
  const url = harborArtifactUrl(access.harbor, ref, digest);
  if (!url) return { error: `${ref.repository} names no Harbor project (expected project/repository)` };
  const headers: Record<string, string> = {
    accept: "application/json",
    "x-accept-vulnerabilities": ACCEPT_VULNERABILITIES,
  };
  if (access.username !== undefined && access.password !== undefined) {
    if (url.protocol === "http:" && !access.plainHttp) {
      return { error: `Harbor at ${url.host} is plain HTTP; credentials are only sent over HTTPS` };
    }
    headers.authorization = basicAuthorization(access.username, access.password);
  }
  try {
    const res = await sendRequest(url, {
      method: "GET",
      headers,
      ...(access.ca ? { ca: access.ca } : {}),
      signal,
      maxBodyBytes: 8 << 20,
    });
    const where = `${ref.repository}@${digest}`;
    if (res.status === 404) return { error: `Harbor at ${url.host} has no artifact ${where}` };
    if (res.status === 401 || res.status === 403) {
      const who = access.username !== undefined ? `user "${access.username}"` : "anonymous access";
      return { error: `Harbor at ${url.host} refused ${who} reading ${where} (HTTP ${res.status})` };
    }
    if (res.status !== 200)
      return { error: `Harbor at ${url.host} answered HTTP ${res.status} for ${where}` };
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString("utf8"));
    } catch {
      return { error: `Harbor at ${url.host} answered ${where} with something that is not JSON` };
    }
    return { artifact: summarizeArtifact(body) };
  } catch (err) {
    return {
      error: err instanceof NetworkError ? err.message : `Harbor at ${url.host}: ${(err as Error).message}`,
    };
  }
}
