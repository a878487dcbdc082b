import { type HostCall, hostError } from "../shared/host-error.js";

export interface BitbucketServerRequest {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

/** One page of a paged Bitbucket Server answer. */
export interface BitbucketServerPage<T> {
  values: T[];
  isLastPage: boolean;
  nextPageStart?: number | null;
}

/**
 * Bitbucket Server / Data Center's REST API (`/rest/api/latest`) over fetch, with an HTTP access token as
 * `Authorization: Bearer`; failures become host errors with the token redacted.
 */
export interface BitbucketServerApi {
  /** The instance URL with its context path, for links into Bitbucket's pages. */
  readonly instance: string;
  /** The parsed JSON answer (undefined for an empty one, e.g. a 204). */
  json<T>(call: HostCall, path: string, request?: BitbucketServerRequest): Promise<T>;
  /** The parsed JSON answer, or undefined when the server answers 404. */
  jsonOr404<T>(call: HostCall, path: string, request?: BitbucketServerRequest): Promise<T | undefined>;
  /** The response itself, to stream or to read its headers. */
  response(call: HostCall, path: string, request?: BitbucketServerRequest): Promise<Response>;
  /** The response itself, or undefined on 404. */
  responseOr404(
    call: HostCall,
    path: string,
    request?: BitbucketServerRequest,
  ): Promise<Response | undefined>;
  /** The first value of a paged listing `found` accepts, reading page after page until one holds it. */
  find<T>(
    call: HostCall,
    path: string,
    found: (value: T) => boolean,
    query?: BitbucketServerRequest["query"],
  ): Promise<T | undefined>;
}

/** The instance URL, its context path kept; a trailing `/rest/api/1.0` or `/rest/api/latest` is dropped. */
function instanceUrl(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/rest\/api\/(1\.0|latest)$/, "");
}

/** Bitbucket answers `{errors: [{message}]}`; the messages say more than the status alone. */
function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { errors?: { message?: unknown }[] };
    const messages = (parsed.errors ?? []).map((e) => e.message).filter((m) => typeof m === "string");
    if (messages.length > 0) return messages.join("; ");
  } catch {}
  return text;
}

function networkDetail(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

// Bitbucket's largest page; fewer round trips when a listing is long.
const PAGE_SIZE = 100;

export function createBitbucketServerApi(url: string, token: string): BitbucketServerApi {
  const instance = instanceUrl(url);
  const base = `${instance}/rest/api/latest/`;

  async function send(call: HostCall, path: string, request: BitbucketServerRequest, allow404: boolean) {
    const target = new URL(path, base);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) target.searchParams.set(key, String(value));
    }
    const method = request.method ?? "GET";
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    // Bitbucket's XSRF check refuses writes without it, even with a token.
    if (method !== "GET") headers["X-Atlassian-Token"] = "no-check";
    if (request.body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(target, {
        method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
    } catch (error) {
      throw hostError(call, { detail: networkDetail(error) }, [token]);
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => "");
    if (response.status === 404 && allow404) return undefined;
    const responseHeaders = Object.fromEntries(response.headers.entries());
    throw hostError(call, { status: response.status, detail: messageOf(text), headers: responseHeaders }, [
      token,
    ]);
  }

  async function parse<T>(response: Response): Promise<T> {
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const json = async <T>(call: HostCall, path: string, request: BitbucketServerRequest = {}) =>
    parse<T>((await send(call, path, request, false)) as Response);

  return {
    instance,
    json,
    jsonOr404: async (call, path, request = {}) => {
      const response = await send(call, path, request, true);
      return response ? parse(response) : undefined;
    },
    response: async (call, path, request = {}) => (await send(call, path, request, false)) as Response,
    responseOr404: (call, path, request = {}) => send(call, path, request, true),
    async find<T>(
      call: HostCall,
      path: string,
      found: (value: T) => boolean,
      query: BitbucketServerRequest["query"] = {},
    ) {
      for (let start: number | null | undefined = 0; typeof start === "number"; ) {
        const page: BitbucketServerPage<T> = await json<BitbucketServerPage<T>>(call, path, {
          query: { ...query, start, limit: PAGE_SIZE },
        });
        const hit = page.values.find(found);
        if (hit !== undefined) return hit;
        start = page.isLastPage ? undefined : page.nextPageStart;
      }
      return undefined;
    },
  };
}
