import { type HttpResponse, NetworkError, sendRequest } from "./http-request.js";
import type { RegistryAccess } from "./registry-access.js";
import type { Challenge } from "./www-authenticate.js";

export type TokenOutcome = { token: string } | { denied: string };

/** `Basic base64(user:password)`, the header every registry and token service accepts. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

function readToken(res: HttpResponse): string | undefined {
  try {
    const body = JSON.parse(res.body.toString("utf8")) as { token?: unknown; access_token?: unknown };
    const token = body.token ?? body.access_token;
    return typeof token === "string" && token !== "" ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Asks the token service a `Bearer` challenge names for a token (Docker's token protocol, spoken by Docker
 * Hub, ghcr.io, Harbor, Nexus and GitLab): anonymously, or with the registry's credentials as Basic auth.
 * Credentials never travel over plain HTTP unless the registry itself is configured as plain HTTP.
 */
export async function fetchBearerToken(
  challenge: Challenge,
  access: RegistryAccess,
  credentials: { username: string; password: string } | undefined,
  signal: AbortSignal,
): Promise<TokenOutcome> {
  const realm = challenge.params.realm;
  if (!realm) return { denied: `${access.host} asked for a bearer token without naming a token service` };
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    return { denied: `${access.host} named a token service that is not a URL` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { denied: `${access.host} named a token service that is not HTTP(S)` };
  }
  if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
  for (const scope of (challenge.params.scope ?? "").split(" ").filter(Boolean)) {
    url.searchParams.append("scope", scope);
  }
  const headers: Record<string, string> = { accept: "application/json" };
  if (credentials) {
    if (url.protocol === "http:" && !access.plainHttp) {
      return {
        denied: `${access.host} named a plain-HTTP token service (${url.host}); credentials are only sent over HTTPS`,
      };
    }
    url.searchParams.set("account", credentials.username);
    headers.authorization = basicAuthorization(credentials.username, credentials.password);
  }
  const res = await sendRequest(url, {
    method: "GET",
    headers,
    ...(access.ca ? { ca: access.ca } : {}),
    signal,
    maxBodyBytes: 1 << 20,
  });
  if (res.status === 401 || res.status === 403) {
    return {
      denied: credentials
        ? `the token service of ${access.host} refused the credentials of user "${credentials.username}" (HTTP ${res.status})`
        : `the token service of ${access.host} refused anonymous access (HTTP ${res.status})`,
    };
  }
  if (res.status !== 200) {
    throw new NetworkError(`the token service of ${access.host} (${url.host}) answered HTTP ${res.status}`);
  }
  const token = readToken(res);
  if (!token) throw new NetworkError(`the token service of ${access.host} (${url.host}) gave no token`);
  return { token };
}
