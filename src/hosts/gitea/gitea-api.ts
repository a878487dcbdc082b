import { type HostCall, hostError } from "../shared/host-error.js";

export interface GiteaRequest {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

/** Gitea's REST API (`/api/v1`) over fetch, with `Authorization: token <t>`; failures become host errors. */
export interface GiteaApi {
  /** The parsed JSON answer. */
  json<T>(call: HostCall, path: string, request?: GiteaRequest): Promise<T>;
  /** The parsed JSON answer, or undefined when Gitea answers 404. */
  jsonOr404<T>(call: HostCall, path: string, request?: GiteaRequest): Promise<T | undefined>;
  /** The response itself, to stream. */
  response(call: HostCall, path: string, request?: GiteaRequest): Promise<Response>;
  /** The response itself (to stream or read as text), or undefined on 404. */
  responseOr404(call: HostCall, path: string, request?: GiteaRequest): Promise<Response | undefined>;
}

/** The API base for an instance URL given with or without `/api/v1`. */
export function giteaApiBase(url: string): string {
  return `${url.replace(/\/+$/, "").replace(/\/api\/v1$/, "")}/api/v1/`;
}

function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {}
  return text;
}

function networkDetail(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

export function createGiteaApi(url: string, token: string): GiteaApi {
  const base = giteaApiBase(url);

  async function send(call: HostCall, path: string, request: GiteaRequest, allow404: boolean) {
    const target = new URL(path, base);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) target.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { Authorization: `token ${token}`, Accept: "application/json" };
    if (request.body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(target, {
        method: request.method ?? "GET",
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

  return {
    json: async (call, path, request = {}) => parse((await send(call, path, request, false)) as Response),
    jsonOr404: async (call, path, request = {}) => {
      const response = await send(call, path, request, true);
      return response ? parse(response) : undefined;
    },
    response: async (call, path, request = {}) => (await send(call, path, request, false)) as Response,
    responseOr404: (call, path, request = {}) => send(call, path, request, true),
  };
}
