import { type HostCall, hostError } from "./host-error.js";

/** One call to a host's REST API: query parameters and a JSON body in, JSON or a stream out. */
export interface HostRequest {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

/**
 * A host's REST API over fetch. A string path is resolved against `base`; a URL (a next-page link, an
 * archive download) is used as it is. Failures become host errors with the secrets redacted.
 */
export interface HostApi<R extends HostRequest = HostRequest> {
  /** The API's base URL, ending in `/`. */
  readonly base: string;
  /** Secrets to strip from any text about a failure: the token and every encoded form of it. */
  readonly secrets: readonly string[];
  /** The parsed JSON answer (undefined for an empty one, e.g. a 204). */
  json<T>(call: HostCall, path: string | URL, request?: R): Promise<T>;
  /** The parsed JSON answer, or undefined when the host answers 404. */
  jsonOr404<T>(call: HostCall, path: string | URL, request?: R): Promise<T | undefined>;
  /** The response itself, to stream or to read its headers. */
  response(call: HostCall, path: string | URL, request?: R): Promise<Response>;
  /** The response itself (to stream or read as text), or undefined on 404. */
  responseOr404(call: HostCall, path: string | URL, request?: R): Promise<Response | undefined>;
}

/** A request about to go out: the host may still add query parameters to `target`, or refuse it. */
export interface OutgoingRequest<R extends HostRequest> {
  call: HostCall;
  target: URL;
  /** As the adapter passed it; undefined for a plain GET. */
  request: R | undefined;
  base: string;
}

export interface HostApiOptions<R extends HostRequest> {
  /** Where paths resolve from; a trailing `/` is added so that relative paths stay below it. */
  baseUrl: string;
  /** The whole `Authorization` header value. */
  authorization: string;
  /** Kept out of every error message: the token and every form of it that travels in a header. */
  secrets: readonly string[];
  /** The host's own message in an error body; by default a `{"message": …}` body's, else the text. */
  messageOf?: (text: string) => string;
  /** The host's rules for a request before it is sent: extra headers returned, a refusal thrown. */
  prepare?: (outgoing: OutgoingRequest<R>) => Record<string, string> | undefined;
  /** Throws for an answer the host means as a failure although fetch counts it a success. */
  inspect?: (call: HostCall, response: Response) => void;
}

function messageField(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {}
  return text;
}

// Undici's "fetch failed" alone says nothing; the cause names the refused connection or the DNS failure.
function networkDetail(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

async function parse<T>(response: Response): Promise<T> {
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The JSON-over-fetch client every REST host adapter builds on; host quirks come in through `options`. */
export function createHostApi<R extends HostRequest = HostRequest>(options: HostApiOptions<R>): HostApi<R> {
  const base = `${options.baseUrl.replace(/\/+$/, "")}/`;
  const { secrets, messageOf = messageField } = options;

  async function send(call: HostCall, path: string | URL, request: R | undefined, allow404: boolean) {
    const target = new URL(path, base);
    for (const [key, value] of Object.entries(request?.query ?? {})) {
      if (value !== undefined) target.searchParams.set(key, String(value));
    }
    const extra = options.prepare?.({ call, target, request, base });
    const headers: Record<string, string> = {
      Authorization: options.authorization,
      Accept: "application/json",
      ...extra,
    };
    const body = request?.body;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(target, {
        method: request?.method ?? "GET",
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw hostError(call, { detail: networkDetail(error) }, secrets);
    }
    options.inspect?.(call, response);
    if (response.ok) return response;
    const text = await response.text().catch(() => "");
    if (response.status === 404 && allow404) return undefined;
    const responseHeaders = Object.fromEntries(response.headers.entries());
    throw hostError(
      call,
      { status: response.status, detail: messageOf(text), headers: responseHeaders },
      secrets,
    );
  }

  const response = async (call: HostCall, path: string | URL, request?: R) =>
    (await send(call, path, request, false)) as Response;

  return {
    base,
    secrets,
    json: async (call, path, request) => parse(await response(call, path, request)),
    jsonOr404: async (call, path, request) => {
      const found = await send(call, path, request, true);
      return found ? parse(found) : undefined;
    },
    response,
    responseOr404: (call, path, request) => send(call, path, request, true),
  };
}
