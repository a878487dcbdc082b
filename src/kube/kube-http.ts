import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import {
  kubeErrorFromNetwork,
  kubeErrorFromResponse,
  type RequestDescription,
} from "./kube-error-from-response.js";

export interface KubeHttpOptions {
  /** Sockets kept open to the API server. ~8 requests in flight saturate a small one; 16 leaves headroom. */
  maxSockets?: number;
  /** A request with no activity for this long fails as `cluster-unavailable`. Default 60 s. */
  requestTimeoutMs?: number;
}

export interface KubeRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path and query below the server URL, e.g. `/api/v1/namespaces/default/configmaps/x?dryRun=All`. */
  path: string;
  body?: unknown;
  contentType?: string;
  accept?: string;
  describe: RequestDescription;
}

export interface KubeResponse {
  status: number;
  contentType: string;
  /** Parsed JSON when the server sent JSON, else the text. */
  body: unknown;
  retryAfterSeconds?: number;
}

type HeaderMap = Record<string, string>;

// A keep-alive socket the server closed between requests shows up as one of these on the next write.
const STALE_SOCKET = /ECONNRESET|EPIPE|socket hang up/;

/**
 * Raw HTTP(S) to the API server with one keep-alive pool. The client library's generated API goes
 * through fetch with per-call option objects; plain node:https with a fixed agent is the cheapest path
 * for hundreds of small PATCHes.
 */
export class KubeHttp {
  readonly server: string;
  private readonly url: URL;
  private readonly basePath: string;
  private readonly agent: http.Agent;
  private readonly requestFn: typeof https.request;
  private readonly timeoutMs: number;

  private constructor(
    private readonly kc: KubeConfig,
    server: string,
    agent: http.Agent,
    private readonly staticHeaders: HeaderMap | undefined,
    opts: KubeHttpOptions,
  ) {
    this.server = server;
    this.url = new URL(server);
    // Servers behind a path prefix (e.g. https://host/k8s/clusters/c-1) keep it on every request.
    this.basePath = this.url.pathname.replace(/\/+$/, "");
    this.agent = agent;
    this.requestFn = this.url.protocol === "http:" ? http.request : https.request;
    this.timeoutMs = opts.requestTimeoutMs ?? 60_000;
  }

  static async create(kc: KubeConfig, opts: KubeHttpOptions = {}): Promise<KubeHttp> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig context "${kc.getCurrentContext()}" names no known cluster`);
    const template: https.RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(template);
    const user = kc.getCurrentUser();
    // Exec plugins and token files hand out short-lived tokens: those headers are fetched per request.
    const dynamicAuth = Boolean(user?.exec || user?.authProvider);
    const agent = cluster.proxyUrl
      ? (template.agent as http.Agent) // the library's proxy agents know how to tunnel
      : newAgent(cluster.server, template, opts.maxSockets ?? 16);
    const headers = dynamicAuth ? undefined : authHeaders(template);
    return new KubeHttp(kc, cluster.server, agent, headers, opts);
  }

  /** Sends one request; throws only when no response arrives. */
  async send(req: KubeRequest): Promise<KubeResponse> {
    const headers = { ...(this.staticHeaders ?? (await this.freshAuthHeaders())) };
    headers.Accept = req.accept ?? "application/json";
    headers["User-Agent"] = "zakenak";
    let payload: Buffer | undefined;
    if (req.body !== undefined) {
      payload = Buffer.from(JSON.stringify(req.body));
      headers["Content-Type"] = req.contentType ?? "application/json";
      headers["Content-Length"] = String(payload.length);
    }
    try {
      return await this.once(req.method, req.path, headers, payload);
    } catch (error) {
      // GETs are idempotent: one quiet retry when a pooled connection turned out to be dead.
      if (req.method === "GET" && STALE_SOCKET.test(String((error as Error)?.message ?? error))) {
        try {
          return await this.once(req.method, req.path, headers, payload);
        } catch (again) {
          throw kubeErrorFromNetwork(again, req.describe);
        }
      }
      throw kubeErrorFromNetwork(error, req.describe);
    }
  }

  /** Sends one request and throws a classified `KubeApiError` for any non-2xx status not in `allow`. */
  async call(req: KubeRequest, allow: readonly number[] = []): Promise<KubeResponse> {
    const res = await this.send(req);
    if ((res.status >= 200 && res.status < 300) || allow.includes(res.status)) return res;
    throw kubeErrorFromResponse(res.status, res.body, req.describe, res.retryAfterSeconds);
  }

  /** Closes idle pooled sockets so the process can exit. */
  close(): void {
    this.agent.destroy();
  }

  private async freshAuthHeaders(): Promise<HeaderMap> {
    const opts: https.RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(opts);
    return authHeaders(opts);
  }

  private once(method: string, path: string, headers: HeaderMap, payload?: Buffer): Promise<KubeResponse> {
    return new Promise((resolve, reject) => {
      const request = this.requestFn({
        protocol: this.url.protocol,
        hostname: this.url.hostname.replace(/^\[|\]$/g, ""),
        port: this.url.port || undefined,
        path: this.basePath + path,
        method,
        headers,
        agent: this.agent,
      });
      request.setTimeout(this.timeoutMs, () => {
        const timeout = Object.assign(new Error(`no response within ${this.timeoutMs} ms`), {
          code: "ETIMEDOUT",
        });
        request.destroy(timeout);
      });
      request.on("error", reject);
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const contentType = String(response.headers["content-type"] ?? "");
          const text = Buffer.concat(chunks).toString("utf8");
          const retryAfter = Number(response.headers["retry-after"]);
          resolve({
            status: response.statusCode ?? 0,
            contentType,
            body: parseBody(text, contentType),
            ...(retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
          });
        });
      });
      request.end(payload);
    });
  }
}

function parseBody(text: string, contentType: string): unknown {
  if (!contentType.includes("json") || text === "") return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function newAgent(server: string, tls: https.RequestOptions, maxSockets: number): http.Agent {
  const common = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: "lifo" as const };
  if (server.startsWith("http:")) return new http.Agent(common);
  return new https.Agent({
    ...common,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    pfx: tls.pfx,
    passphrase: tls.passphrase,
    servername: tls.servername,
    ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
  });
}

function authHeaders(opts: https.RequestOptions): HeaderMap {
  const headers: HeaderMap = {};
  for (const [name, value] of Object.entries(opts.headers ?? {})) {
    if (value !== undefined) headers[name] = String(value);
  }
  if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
  return headers;
}
