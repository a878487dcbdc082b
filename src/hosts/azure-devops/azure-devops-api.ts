import { ZakenakError } from "../../errors.js";
import { type HostCall, hostError } from "../shared/host-error.js";

export interface AzureDevOpsRequest {
  method?: "GET" | "POST" | "PATCH" | "PUT";
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Appended to the api-version, e.g. `-preview.1` for the resources still in preview. */
  preview?: string;
}

/** Azure DevOps' REST API over fetch, always under the configured collection URL. */
export interface AzureDevOpsApi {
  json<T>(call: HostCall, path: string, request?: AzureDevOpsRequest): Promise<T>;
  /** The parsed answer, or undefined on 404. */
  jsonOr404<T>(call: HostCall, path: string, request?: AzureDevOpsRequest): Promise<T | undefined>;
  /** The response itself (to stream or read as text), or undefined on 404. */
  responseOr404(call: HostCall, path: string, request?: AzureDevOpsRequest): Promise<Response | undefined>;
  /** Secrets to keep out of messages: the token and its Basic form. */
  readonly secrets: readonly string[];
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

/**
 * `url` is the configured collection URL. Every request goes below it: paths are relative and built from
 * escaped names, and a resolved URL outside it is refused before the token is attached. Nothing a webhook
 * carries (its `url`, `remoteUrl` or `baseUrl` fields) is ever used as an address.
 */
export function createAzureDevOpsApi(url: string, token: string, apiVersion: string): AzureDevOpsApi {
  const base = `${url.replace(/\/+$/, "")}/`;
  const basic = Buffer.from(`:${token}`, "utf8").toString("base64");
  const secrets = [token, basic];

  async function send(call: HostCall, path: string, request: AzureDevOpsRequest, allow404: boolean) {
    const target = new URL(path, base);
    if (!target.href.startsWith(base)) {
      throw new ZakenakError("invalid", `Azure DevOps ${call.call}: refused a path outside the collection`);
    }
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) target.searchParams.set(key, String(value));
    }
    target.searchParams.set("api-version", `${apiVersion}${request.preview ?? ""}`);
    const headers: Record<string, string> = { Authorization: `Basic ${basic}`, Accept: "application/json" };
    if (request.body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(target, {
        method: request.method ?? "GET",
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
    } catch (error) {
      throw hostError(call, { detail: networkDetail(error) }, secrets);
    }
    // A token Azure DevOps does not accept gets 203 and a sign-in page, not a 401.
    if (response.status === 203) {
      throw hostError(call, { status: 401, detail: "the token was not accepted (HTTP 203, a sign-in page)" });
    }
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

  async function parse<T>(response: Response): Promise<T> {
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    secrets,
    json: async (call, path, request = {}) => parse((await send(call, path, request, false)) as Response),
    jsonOr404: async (call, path, request = {}) => {
      const response = await send(call, path, request, true);
      return response ? parse(response) : undefined;
    },
    responseOr404: (call, path, request = {}) => send(call, path, request, true),
  };
}
