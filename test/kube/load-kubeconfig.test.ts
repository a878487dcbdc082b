import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { connectKube } from "../../src/kube/connect-kube.js";
import { KubeHttp } from "../../src/kube/kube-http.js";
import { loadKubeconfig } from "../../src/kube/load-kubeconfig.js";
import { openKubeConnection } from "../../src/kube/open-kube-connection.js";
import { identityScrubber } from "../../src/kube/secret-scrubber.js";
import { unsupportedKubeconfigFeature } from "../../src/kube/unsupported-kubeconfig-feature.js";
import {
  type ClusterAccess,
  issueClientCertificate,
  readClusterAccess,
  whoAmI,
  writeKubeconfig,
} from "./cluster-access.js";
import { closedPort } from "./kubeconfig-variant.js";
import { useTestCluster } from "./test-cluster.js";

const cluster = useTestCluster();
let dir: string;
let access: ClusterAccess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "zakenak-kube-load-"));
  access = await readClusterAccess(cluster.kubeconfigPath);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A directory of the test's own, so relative paths in its kubeconfigs cannot resolve by accident. */
async function subdir(name: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(path, { recursive: true });
  return path;
}

async function connectionFor(kubeconfig: string, context?: string) {
  return openKubeConnection(loadKubeconfig({ kubeconfig, env: {}, ...(context ? { context } : {}) }));
}

describe("our own kubeconfig loader", () => {
  it("connects with a token and the CA inline", async () => {
    const path = await writeKubeconfig(
      join(await subdir("inline"), "config"),
      { server: access.server, "certificate-authority-data": access.ca.toString("base64") },
      { token: access.token },
    );
    const connection = await connectionFor(path);
    expect(connection.loader).toBe("native");
    expect(connection.staticAuth).toBe(true);
    expect(await whoAmI(connection)).toMatchObject({ username: "zakenak-admin" });
  });

  it("reads a relative CA path against the kubeconfig's directory, not the working directory", async () => {
    const here = await subdir("relative-ca");
    await mkdir(join(here, "pki"));
    await copyFile(access.caPath, join(here, "pki", "cluster-ca.crt"));
    const path = await writeKubeconfig(
      join(here, "config"),
      { server: access.server, "certificate-authority": "pki/cluster-ca.crt" },
      { token: access.token },
    );
    expect(process.cwd()).not.toBe(here);
    const loaded = loadKubeconfig({ kubeconfig: path });
    expect(loaded.cluster["certificate-authority"]).toBe(join(here, "pki", "cluster-ca.crt"));
    const connection = await openKubeConnection(loaded);
    expect(connection.tls.ca).toEqual(access.ca);
    expect(await whoAmI(connection)).toMatchObject({ username: "zakenak-admin" });
  });

  it("authenticates with a client certificate signed by the cluster's CA, from files or inline", async () => {
    const here = await subdir("client-cert");
    const issued = await issueClientCertificate(access.caPath, here, "cert-admin", "system:masters");
    const fromFiles = await writeKubeconfig(
      join(here, "config"),
      { server: access.server, "certificate-authority": access.caPath },
      { "client-certificate": "cert-admin.crt", "client-key": "cert-admin.key" },
    );
    const connection = await connectionFor(fromFiles);
    expect(connection.loader).toBe("native");
    expect(await whoAmI(connection)).toEqual({
      username: "cert-admin",
      groups: expect.arrayContaining(["system:masters", "system:authenticated"]),
    });

    const inline = await writeKubeconfig(
      join(here, "config-inline"),
      { server: access.server, "certificate-authority-data": access.ca.toString("base64") },
      {
        "client-certificate-data": (await readFile(issued.certPath)).toString("base64"),
        "client-key-data": (await readFile(issued.keyPath)).toString("base64"),
      },
    );
    expect(await whoAmI(await connectionFor(inline))).toMatchObject({ username: "cert-admin" });
    // And the whole client, as the CLI uses it.
    const kube = await connectKube({ kubeconfig: inline });
    try {
      expect((await kube.list("v1", "Namespace")).length).toBeGreaterThan(0);
    } finally {
      kube.close();
    }
  });

  it("impersonates the user and groups the kubeconfig names", async () => {
    const path = await writeKubeconfig(
      join(await subdir("impersonate"), "config"),
      { server: access.server, "certificate-authority": access.caPath },
      { token: access.token, as: "someone", "as-groups": ["team-a", "team-b"] },
    );
    expect(await whoAmI(await connectionFor(path))).toEqual({
      username: "someone",
      groups: expect.arrayContaining(["team-a", "team-b"]),
    });
  });

  it("reads a tokenFile relative to the kubeconfig, and again when it changes", async () => {
    const here = await subdir("token-file");
    await writeFile(join(here, "token"), "not-the-token\n");
    const path = await writeKubeconfig(
      join(here, "config"),
      { server: access.server, "certificate-authority": access.caPath },
      { tokenFile: "token" },
    );
    const kube = await connectKube({ kubeconfig: path });
    try {
      const ns = { apiVersion: "v1", kind: "Namespace", name: cluster.namespace };
      await expect(kube.get(ns)).rejects.toMatchObject({ code: "unauthorized" });
      await writeFile(join(here, "token"), `${access.token}\n`);
      expect((await kube.get(ns))?.metadata.name).toBe(cluster.namespace);
      await rm(join(here, "token"));
      await expect(kube.get(ns)).rejects.toMatchObject({
        code: "unauthorized",
        message: expect.stringContaining(`cannot get credentials: ENOENT`),
      });
    } finally {
      kube.close();
    }
  });

  it("sends username and password as basic auth", async () => {
    // kube-apiserver dropped basic auth; a plain server shows what is sent.
    let seen: string | undefined;
    const server = createServer((req, res) => {
      seen = req.headers.authorization;
      res.setHeader("Content-Type", "application/json");
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const path = await writeKubeconfig(
        join(await subdir("basic"), "config"),
        { server: `http://127.0.0.1:${port}`, "insecure-skip-tls-verify": true },
        { username: "ada", password: "s3cret" },
      );
      const http = await KubeHttp.create(await connectionFor(path));
      await http.call({
        method: "GET",
        path: "/api",
        describe: { action: "get", target: "/api", server: "test", scrub: identityScrubber },
      });
      http.close();
      expect(seen).toBe(`Basic ${Buffer.from("ada:s3cret").toString("base64")}`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("says which file it cannot read", async () => {
    const path = await writeKubeconfig(
      join(await subdir("missing-ca"), "config"),
      { server: access.server, "certificate-authority": "nowhere/ca.crt" },
      { token: access.token },
    );
    await expect(connectKube({ kubeconfig: path })).rejects.toMatchObject({
      code: "config-invalid",
      message: expect.stringMatching(
        /^kubeconfig .*, context "main": cluster "main": certificate-authority .*nowhere\/ca\.crt cannot be read/,
      ),
    });
  });

  it("rejects a context that names a user there is not", async () => {
    const path = await writeKubeconfig(
      join(await subdir("no-user"), "config"),
      { server: access.server },
      {},
      { contexts: [{ name: "main", context: { cluster: "main", user: "ghost" } }] },
    );
    expect(() => loadKubeconfig({ kubeconfig: path })).toThrow(
      `kubeconfig ${path}: context "main" names unknown user "ghost"`,
    );
  });
});

describe("several KUBECONFIG files", () => {
  let first: string;
  let second: string;
  let dead: string;

  beforeAll(async () => {
    dead = `https://127.0.0.1:${await closedPort()}`;
    const a = await subdir("merge-a");
    const b = await subdir("merge-b");
    await copyFile(access.caPath, join(a, "ca.crt"));
    await writeFile(join(b, "token"), access.token);
    // The first file sets current-context and defines the cluster; the user only the second defines.
    first = join(a, "config");
    await writeFile(
      first,
      stringify({
        clusters: [{ name: "shared", cluster: { server: access.server, "certificate-authority": "ca.crt" } }],
        contexts: [{ name: "main", context: { cluster: "shared", user: "from-b" } }],
        "current-context": "main",
      }),
    );
    // The second's current-context, its "shared" cluster and its "main" context lose to the first's.
    second = join(b, "config");
    await writeFile(
      second,
      stringify({
        clusters: [{ name: "shared", cluster: { server: dead } }],
        users: [{ name: "from-b", user: { tokenFile: "token" } }],
        contexts: [
          { name: "main", context: { cluster: "shared", user: "nobody" } },
          { name: "other", context: { cluster: "shared", user: "from-b", namespace: cluster.namespace } },
        ],
        "current-context": "other",
      }),
    );
  });

  it("merges them like kubectl: first current-context, first definition of each name", async () => {
    const env = { KUBECONFIG: [first, second].join(delimiter) };
    const loaded = loadKubeconfig({ env });
    expect(loaded).toMatchObject({
      contextName: "main",
      clusterName: "shared",
      userName: "from-b",
      namespace: undefined,
      cluster: { server: access.server, "certificate-authority": join(dir, "merge-a", "ca.crt") },
      user: { tokenFile: join(dir, "merge-b", "token") },
    });
    const kube = await connectKube({ env });
    try {
      expect(kube.server).toBe(access.server);
      expect(kube.defaultNamespace).toBe("default");
      expect((await kube.list("v1", "Namespace")).length).toBeGreaterThan(0);
    } finally {
      kube.close();
    }
  });

  it("uses a context only the second file defines", async () => {
    const kube = await connectKube({
      env: { KUBECONFIG: [first, second].join(delimiter) },
      context: "other",
    });
    try {
      expect(kube.defaultNamespace).toBe(cluster.namespace);
      const ns = await kube.get({ apiVersion: "v1", kind: "Namespace", name: cluster.namespace });
      expect(ns?.metadata.name).toBe(cluster.namespace);
    } finally {
      kube.close();
    }
  });

  it("lists the contexts of all files when the named one is in none", () => {
    const KUBECONFIG = [first, second].join(delimiter);
    expect(() => loadKubeconfig({ env: { KUBECONFIG }, context: "prod" })).toThrow(
      `context "prod" is not in kubeconfig KUBECONFIG=${KUBECONFIG} (it has: main, other)`,
    );
  });
});

describe("falling back to @kubernetes/client-node", () => {
  it("hands auth-provider users to the client library", async () => {
    // An OIDC id-token that has not expired is sent as is: no identity provider is asked.
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const idToken = `${part({ alg: "none" })}.${part({ exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
    let seen: string | undefined;
    const server = createServer((req, res) => {
      seen = req.headers.authorization;
      res.setHeader("Content-Type", "application/json");
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const path = await writeKubeconfig(
        join(await subdir("oidc"), "config"),
        { server: `http://127.0.0.1:${port}`, "insecure-skip-tls-verify": true },
        {
          "auth-provider": {
            name: "oidc",
            config: {
              "id-token": idToken,
              "client-id": "zakenak",
              "idp-issuer-url": "https://issuer.invalid",
            },
          },
        },
      );
      const loaded = loadKubeconfig({ kubeconfig: path });
      expect(unsupportedKubeconfigFeature(loaded)).toBe("auth-provider oidc");
      const connection = await openKubeConnection(loaded);
      expect(connection.loader).toBe("client-node");
      expect(connection.staticAuth).toBe(false);
      const http = await KubeHttp.create(connection);
      await http.call({
        method: "GET",
        path: "/api",
        describe: { action: "get", target: "/api", server: "test", scrub: identityScrubber },
      });
      http.close();
      expect(seen).toBe(`Bearer ${idToken}`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("tunnels through a cluster's proxy-url with the client library's agent", async () => {
    const tunnels: string[] = [];
    const sockets = new Set<Socket>();
    const proxy: Server = createServer();
    proxy.on("connect", (req, client: Socket) => {
      tunnels.push(String(req.url));
      const [host, port] = String(req.url).split(":");
      const upstream = connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.pipe(client);
        client.pipe(upstream);
      });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("error", () => s.destroy());
      }
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = proxy.address() as { port: number };
      const path = await writeKubeconfig(
        join(await subdir("proxy"), "config"),
        {
          server: access.server,
          "certificate-authority": access.caPath,
          "proxy-url": `http://127.0.0.1:${port}`,
        },
        { token: access.token },
      );
      const connection = await connectionFor(path);
      expect(connection.loader).toBe("client-node");
      expect(connection.agent).toBeDefined();
      expect(await whoAmI(connection)).toMatchObject({ username: "zakenak-admin" });
      expect(tunnels).toContain(new URL(access.server).host);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("leaves fields it does not know to the client library", async () => {
    const path = await writeKubeconfig(
      join(await subdir("unknown-field"), "config"),
      { server: access.server, "certificate-authority": access.caPath },
      { token: access.token, "some-future-field": "x" },
    );
    const connection = await connectionFor(path);
    expect(connection.loader).toBe("client-node");
    expect(await whoAmI(connection)).toMatchObject({ username: "zakenak-admin" });
  });
});
