import { ZakenakError } from "../../errors.js";
import { describeCall, type HostCall, hostError } from "../shared/host-error.js";
import type { BitbucketCloudAuth } from "./bitbucket-cloud-env.js";

export interface BitbucketCloudRequest {
  method?: "GET" | "POST" | "PUT";
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** One page of a Bitbucket list: `next` is the absolute URL of the following page, absent on the last. */
export interface BitbucketPage<T> {
  values: T[];
  next?: string;
}

/** Bitbucket Cloud's REST API 2.0 over fetch; failures become host errors with the credentials redacted. */
export interface BitbucketCloudApi {
  /** The parsed JSON answer. */
  json<T>(call: HostCall, path: string, request?: BitbucketCloudRequest): Promise<T>;
  /** The parsed JSON answer, or undefined when Bitbucket answers 404. */
  jsonOr404<T>(call: HostCall, path: string, request?: BitbucketCloudRequest): Promise<T | undefined>;
  /** The response itself (to stream or read as text), or undefined on 404. */
  responseOr404(call: HostCall, path: string, request?: BitbucketCloudRequest): Promise<Response | undefined>;
  /** The response of a URL outside the API (the archive download), authenticated the same way. */
  download(call: HostCall, url: string): Promise<Response>;
  /** Every page of a list, one at a time, so a search can stop early. */
  pages<T>(call: HostCall, path: string, query?: BitbucketCloudRequest["query"]): AsyncIterable<T[]>;
  /** Secrets to strip from any text about a failure. */
  readonly secrets: readonly string[];
}

function authorization(auth: BitbucketCloudAuth): string {
  if (auth.kind === "access-token") return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.email}:${auth.token}`).toString("base64")}`;
}

/** Bitbucket's own message: `{"error": {"message": …}}`, else the text as it came. */
function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown; detail?: unknown } };
    const { message, detail } = parsed.error ?? {};
    if (typeof message === "string") return typeof detail === "string" ? `${message}: ${detail}` : message;
  } catch {}
  return text;
}

function networkDetail(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

export function createBitbucketCloudApi(apiUrl: string, auth: BitbucketCloudAuth): BitbucketCloudApi {
  const base = `${apiUrl.replace(/\/+$/, "")}/`;
  const header = authorization(auth);
  const secrets = [auth.token, header.replace(/^\w+ /, "")];

  async function send(call: HostCall, target: URL, request: BitbucketCloudRequest, allow404: boolean) {
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) target.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { Authorization: header, Accept: "application/json" };
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

  const api: BitbucketCloudApi = {
    secrets,
    json: async (call, path, request = {}) =>
      parse((await send(call, new URL(path, base), request, false)) as Response),
    jsonOr404: async (call, path, request = {}) => {
      const response = await send(call, new URL(path, base), request, true);
      return response ? parse(response) : undefined;
    },
    responseOr404: (call, path, request = {}) => send(call, new URL(path, base), request, true),
    download: async (call, url) => (await send(call, new URL(url), {}, false)) as Response,
    async *pages<T>(call: HostCall, path: string, query: BitbucketCloudRequest["query"] = {}) {
      let target: URL | undefined = new URL(path, base);
      let request: BitbucketCloudRequest = { query };
      while (target) {
        const page: BitbucketPage<T> = await parse<BitbucketPage<T>>(
          (await send(call, target, request, false)) as Response,
        );
        yield page.values ?? [];
        if (!page.next) return;
        // The credentials go along with every page: only to the API itself.
        const next: URL = new URL(page.next);
        if (!next.href.startsWith(base)) {
          throw new ZakenakError("host-error", `${describeCall(call)}: the next page is outside the API`);
        }
        target = next;
        request = {};
      }
    },
  };
  return api;
}
