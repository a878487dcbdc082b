import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake expects, and its answer. */
export interface Expectation {
  method: string;
  /** The path without the query, compared as sent (still percent-encoded), or a pattern for it. */
  path: string | RegExp;
  /** Query parameters that must be present with these values (others may be present too). */
  query?: Record<string, string>;
  /** A partial match for the JSON request body: objects may have more keys, arrays must match in length. */
  body?: unknown;
  /** Request headers (lower-case names) that must have these values. */
  requestHeaders?: Record<string, string | RegExp>;
  status?: number;
  /** Answered as application/json. */
  json?: unknown;
  /** Answered as is, with `headers` (set a content-type there). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** How many requests this answers; 1 unless given. */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  /** The request target as sent, query included: repeated parameters (`refs[]=…&refs[]=…`) stay visible. */
  url: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StrictHttpFake {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Every request received, answered or not, oldest first. */
  requests: RecordedRequest[];
  expect(...expectations: Expectation[]): void;
  /** Throws when a request matched no expectation or an expectation was not used up; then forgets both. */
  verify(): void;
  close(): Promise<void>;
}

function partialMatch(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => partialMatch(item, actual[i]))
    );
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object") return false;
    return Object.entries(expected).every(([key, value]) =>
      partialMatch(value, (actual as Record<string, unknown>)[key]),
    );
  }
  return Object.is(expected, actual);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function matches(expectation: Expectation, request: RecordedRequest): boolean {
  if (expectation.method.toUpperCase() !== request.method) return false;
  const { path } = expectation;
  if (typeof path === "string" ? path !== request.path : !path.test(request.path)) return false;
  for (const [key, value] of Object.entries(expectation.query ?? {})) {
    if (request.query[key] !== value) return false;
  }
  for (const [name, value] of Object.entries(expectation.requestHeaders ?? {})) {
    const actual = String(request.headers[name] ?? "");
    if (typeof value === "string" ? actual !== value : !value.test(actual)) return false;
  }
  return expectation.body === undefined || partialMatch(expectation.body, parseJson(request.body));
}

function describe(expectation: Expectation): string {
  const query = expectation.query ? `?${new URLSearchParams(expectation.query)}` : "";
  return `${expectation.method} ${String(expectation.path)}${query}`;
}

function answer(res: ServerResponse, expectation: Expectation): void {
  const status = expectation.status ?? 200;
  if (expectation.raw !== undefined) {
    res.writeHead(status, expectation.headers ?? {}).end(expectation.raw);
    return;
  }
  if (expectation.json !== undefined) {
    const headers = { "content-type": "application/json; charset=utf-8", ...expectation.headers };
    res.writeHead(status, headers).end(JSON.stringify(expectation.json));
    return;
  }
  res.writeHead(status, expectation.headers ?? {}).end();
}

/**
 * A real HTTP server on 127.0.0.1 that answers only the requests a test declared. Anything else gets 501 and
 * is recorded as a failure for verify(), so an adapter cannot make a call the test did not plan for.
 */
export async function startStrictHttpFake(): Promise<StrictHttpFake> {
  const pending: { expectation: Expectation; left: number }[] = [];
  const unexpected: string[] = [];
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const request: RecordedRequest = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        // The raw path: %2F in a GitLab project path must stay visible to the test.
        path: (req.url ?? "/").split("?")[0] ?? "/",
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(request);
      const entry = pending.find((p) => p.left > 0 && matches(p.expectation, request));
      if (!entry) {
        const body = request.body ? ` body ${request.body.slice(0, 300)}` : "";
        unexpected.push(`${request.method} ${req.url}${body}`);
        res.writeHead(501, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "strict-http-fake: unexpected request" }));
        return;
      }
      entry.left -= 1;
      answer(res, entry.expectation);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    expect: (...expectations) => {
      for (const expectation of expectations) pending.push({ expectation, left: expectation.times ?? 1 });
    },
    verify: () => {
      const unused = pending
        .filter((p) => p.left > 0)
        .map((p) => `${describe(p.expectation)} (${p.left} left)`);
      const failures = [
        ...unexpected.map((r) => `unexpected request: ${r}`),
        ...unused.map((e) => `expected but not received: ${e}`),
      ];
      pending.length = 0;
      unexpected.length = 0;
      if (failures.length > 0) throw new Error(`strict-http-fake:\n  ${failures.join("\n  ")}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
