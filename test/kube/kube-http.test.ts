import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { KubeHttp } from "../../src/kube/kube-http.js";
import { loadKubeconfig } from "../../src/kube/load-kubeconfig.js";
import { openKubeConnection } from "../../src/kube/open-kube-connection.js";
import { identityScrubber } from "../../src/kube/secret-scrubber.js";

// Connection resets and hung responses cannot be provoked on a real API server at will, so the
// transport's handling of them is checked against a plain HTTP server that misbehaves on purpose.
let dir: string;
let server: Server | undefined;
let http: KubeHttp | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "zakenak-kube-http-"));
});

afterEach(async () => {
  http?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, n: number) => void,
  requestTimeoutMs?: number,
): Promise<KubeHttp> {
  let n = 0;
  server = createServer((req, res) => {
    n += 1;
    handler(req, res, n);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const path = join(dir, `kubeconfig-${port}`);
  await writeFile(
    path,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        { name: "c", cluster: { server: `http://127.0.0.1:${port}`, "insecure-skip-tls-verify": true } },
      ],
      users: [{ name: "u", user: { token: "t0k3n" } }],
      contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
      "current-context": "x",
    }),
  );
  http = await KubeHttp.create(await openKubeConnection(loadKubeconfig({ kubeconfig: path })), {
    requestTimeoutMs,
  });
  return http;
}

const describeReq = { action: "get", target: "ConfigMap a/b", server: "test", scrub: identityScrubber };

describe("KubeHttp", () => {
  it("sends the kubeconfig's bearer token", async () => {
    const kube = await serve((req, res) => {
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ auth: req.headers.authorization }));
    });
    const res = await kube.call({ method: "GET", path: "/api", describe: describeReq });
    expect(res.body).toEqual({ auth: "Bearer t0k3n" });
  });

  it("retries a GET once when the connection is reset", async () => {
    const kube = await serve((req, res, n) => {
      if (n === 1) return req.socket.destroy();
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ n }));
    });
    const res = await kube.call({ method: "GET", path: "/api", describe: describeReq });
    expect(res.body).toEqual({ n: 2 });
  });

  it("does not retry a write, and calls the reset retryable", async () => {
    let seen = 0;
    const kube = await serve((req) => {
      seen += 1;
      req.socket.destroy();
    });
    const error = await kube
      .call({ method: "PATCH", path: "/api/v1/x", body: {}, describe: describeReq })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "cluster-unavailable", retryable: true, status: undefined });
    expect(seen).toBe(1);
  });

  it("gives up on a server that does not answer", async () => {
    const kube = await serve(() => {}, 200);
    const error = await kube
      .call({ method: "GET", path: "/api", describe: describeReq })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "cluster-unavailable", retryable: true });
    expect((error as Error).message).toContain("no response within 200 ms");
  });

  it("classifies a non-Status error body by its HTTP status", async () => {
    const kube = await serve((_req, res) => {
      res.statusCode = 503;
      res.end("upstream connect error");
    });
    const error = await kube
      .call({ method: "GET", path: "/api", describe: describeReq })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "cluster-unavailable", status: 503, retryable: true });
    expect((error as Error).message).toBe("get ConfigMap a/b: HTTP 503: upstream connect error");
  });

  it("passes on the server's Retry-After", async () => {
    const kube = await serve((_req, res) => {
      res.writeHead(429, { "Content-Type": "application/json", "Retry-After": "3" });
      res.end(JSON.stringify({ kind: "Status", reason: "TooManyRequests", message: "too many requests" }));
    });
    const error = await kube
      .call({ method: "GET", path: "/api", describe: describeReq })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "cluster-unavailable",
      status: 429,
      reason: "TooManyRequests",
      retryable: true,
      retryAfterSeconds: 3,
    });
  });
});
