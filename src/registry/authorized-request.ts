import { basicAuthorization, fetchBearerToken } from "./bearer-token.js";
import { type HttpResponse, NetworkError, sendRequest } from "./http-request.js";
import type { RegistryAccess } from "./registry-access.js";
import { type Challenge, parseChallenges } from "./www-authenticate.js";

/** Authorization headers that worked, by registry, repository and identity: reused by one plan's lookups. */
export type AuthCache = Map<string, string>;

export interface AuthorizedRequest {
  method: "GET" | "HEAD";
  headers: Record<string, string>;
  access: RegistryAccess;
  /** The repository the request is about: the scope of the token, and the key of the cache. */
  repository: string;
  /** Authenticate with the configured credentials; false: anonymously. */
  withCredentials: boolean;
  signal: AbortSignal;
  cache: AuthCache;
  maxBodyBytes: number;
}

export type AuthorizedResponse = { response: HttpResponse } | { denied: string };

const MAX_REDIRECTS = 3;

function credentialsOf(req: AuthorizedRequest): { username: string; password: string } | undefined {
  const { username, password } = req.access;
  return req.withCredentials && username !== undefined && password !== undefined
    ? { username, password }
    : undefined;
}

function pickChallenge(res: HttpResponse): Challenge | undefined {
  const header = res.headers["www-authenticate"];
  const challenges = parseChallenges(Array.isArray(header) ? header.join(", ") : (header ?? ""));
  return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
}

/** Follows redirects (blob stores, mirrors); the Authorization header never leaves its origin. */
async function send(
  url: URL,
  req: AuthorizedRequest,
  authorization: string | undefined,
): Promise<HttpResponse> {
  let target = url;
  for (let hop = 0; ; hop++) {
    const headers = { ...req.headers };
    if (authorization && target.origin === url.origin) headers.authorization = authorization;
    const res = await sendRequest(target, {
      method: req.method,
      headers,
      ...(req.access.ca ? { ca: req.access.ca } : {}),
      signal: req.signal,
      maxBodyBytes: req.maxBodyBytes,
    });
    const location = res.headers.location;
    if (res.status < 300 || res.status > 399 || !location || res.status === 304) return res;
    if (hop >= MAX_REDIRECTS)
      throw new NetworkError(`${url.host} redirected more than ${MAX_REDIRECTS} times`);
    target = new URL(location, target);
  }
}

/**
 * Sends a request to a registry, answering its `WWW-Authenticate` challenge: a bearer token from the token
 * service it names, or Basic auth. A refusal is a result naming the registry and whose access was refused,
 * never an exception; network trouble throws a NetworkError.
 */
export async function authorizedRequest(url: URL, req: AuthorizedRequest): Promise<AuthorizedResponse> {
  const credentials = credentialsOf(req);
  const key = `${req.access.host}/${req.repository}#${credentials ? credentials.username : ""}`;
  const cached = req.cache.get(key);
  const first = await send(url, req, cached);
  if (first.status !== 401) return { response: first };
  const who = credentials ? `the credentials of user "${credentials.username}"` : "anonymous access";
  const challenge = pickChallenge(first);
  let authorization: string;
  if (challenge?.scheme === "bearer") {
    const outcome = await fetchBearerToken(challenge, req.access, credentials, req.signal);
    if ("denied" in outcome) return outcome;
    authorization = `Bearer ${outcome.token}`;
  } else if (challenge?.scheme === "basic") {
    if (!credentials)
      return { denied: `${req.access.host} requires credentials (Basic auth); ${who} was refused` };
    if (url.protocol === "http:" && !req.access.plainHttp) {
      return {
        denied: `${req.access.host} asked for a password over plain HTTP; it is only sent over HTTPS`,
      };
    }
    authorization = basicAuthorization(credentials.username, credentials.password);
  } else {
    return { denied: `${req.access.host} refused ${who} (HTTP 401) without a challenge Zakenak can answer` };
  }
  const second = await send(url, req, authorization);
  if (second.status === 401 || second.status === 403) {
    req.cache.delete(key);
    return { denied: `${req.access.host} refused ${who} to ${req.repository} (HTTP ${second.status})` };
  }
  req.cache.set(key, authorization);
  return { response: second };
}
