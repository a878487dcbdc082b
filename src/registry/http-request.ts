import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequestOptions {
  method: "GET" | "HEAD";
  headers: Record<string, string>;
  /** PEM certificates trusted on top of the usual roots. */
  ca?: string;
  /** Ends the request (and its connection) when it fires: the caller's deadline. */
  signal: AbortSignal;
  /** Larger answers are refused rather than buffered: a registry must not fill the planner's memory. */
  maxBodyBytes: number;
}

/** The request could not be completed: no connection, TLS refused, deadline passed, answer too large. */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
}

const trusted = new Map<string, string[]>();

function caList(pem: string): string[] {
  let list = trusted.get(pem);
  if (!list) {
    list = [...rootCertificates, pem];
    trusted.set(pem, list);
  }
  return list;
}

function describeFailure(url: URL, err: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    const reason = signal.reason as Error | undefined;
    return reason?.name === "TimeoutError"
      ? `no answer from ${url.host} in time`
      : `request to ${url.host} cancelled`;
  }
  const e = err as NodeJS.ErrnoException;
  if (url.protocol === "https:" && (e.code === "EPROTO" || e.code?.startsWith("ERR_SSL_"))) {
    return `no TLS handshake with ${url.host} (${e.code}); a plain-HTTP registry needs plainHttp: true`;
  }
  const first = e.message.split("\n")[0]?.slice(0, 200) ?? "";
  return `cannot reach ${url.host}: ${e.code && !first.includes(e.code) ? `${e.code} ` : ""}${first}`;
}

/** One HTTP(S) request with a deadline, a body size limit and optional extra CA certificates. */
export function sendRequest(url: URL, opts: HttpRequestOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) {
      reject(new NetworkError(describeFailure(url, undefined, opts.signal)));
      return;
    }
    const https = url.protocol === "https:";
    const send = https ? httpsRequest : httpRequest;
    const req = send(url, {
      method: opts.method,
      headers: opts.headers,
      signal: opts.signal,
      ...(https && opts.ca ? { ca: caList(opts.ca) } : {}),
    });
    req.on("error", (err) =>
      reject(new NetworkError(describeFailure(url, err, opts.signal), { cause: err })),
    );
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxBodyBytes) {
          req.destroy();
          reject(new NetworkError(`${url.host} answered with more than ${opts.maxBodyBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on("error", (err) =>
        reject(new NetworkError(describeFailure(url, err, opts.signal), { cause: err })),
      );
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.end();
  });
}
