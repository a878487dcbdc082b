import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ZakenakError } from "../../src/errors.js";
import { connectKube } from "../../src/kube/connect-kube.js";
import { KubeHttp } from "../../src/kube/kube-http.js";
import { loadKubeconfig } from "../../src/kube/load-kubeconfig.js";
import { openKubeConnection } from "../../src/kube/open-kube-connection.js";
import { closedPort, writeKubeconfigVariant } from "./kubeconfig-variant.js";
import { useTestCluster } from "./test-cluster.js";

const cluster = useTestCluster();
let dir: string;
let server: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "zakenak-kube-connect-"));
  server = (
    parse(await readFile(cluster.kubeconfigPath, "utf8")) as { clusters: { cluster: { server: string } }[] }
  ).clusters[0]?.cluster.server as string;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Connects and proves the client really talks to the test cluster. */
async function reachesCluster(opts: Parameters<typeof connectKube>[0]): Promise<string> {
  const kube = await connectKube(opts);
  try {
    const ns = await kube.get({ apiVersion: "v1", kind: "Namespace", name: cluster.namespace });
    expect(ns?.metadata.name).toBe(cluster.namespace);
    return kube.server;
  } finally {
    kube.close();
  }
}

describe("connectKube", () => {
  it("uses an explicit kubeconfig path", async () => {
    expect(await reachesCluster({ kubeconfig: cluster.kubeconfigPath, env: {} })).toBe(server);
  });

  it("uses KUBECONFIG, skipping listed files that do not exist", async () => {
    const env = { KUBECONFIG: [join(dir, "absent"), cluster.kubeconfigPath].join(delimiter) };
    expect(await reachesCluster({ env })).toBe(server);
  });

  it("falls back to ~/.kube/config", async () => {
    const home = join(dir, "home");
    await mkdir(join(home, ".kube"), { recursive: true });
    await copyFile(cluster.kubeconfigPath, join(home, ".kube", "config"));
    expect(await reachesCluster({ env: { HOME: home } })).toBe(server);
  });

  it("uses the pod's service account when running in a cluster", async () => {
    // A real service-account token from the TokenRequest API, with read access to namespaces.
    const sa = "zakenak-reader";
    await cluster.kube.apply({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: sa, namespace: cluster.namespace },
    });
    await cluster.kube.apply({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: `${cluster.namespace}-${sa}` },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: "zakenak-test-view-namespaces",
      },
      subjects: [{ kind: "ServiceAccount", name: sa, namespace: cluster.namespace }],
    });
    await cluster.kube.apply({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "zakenak-test-view-namespaces" },
      rules: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list"] }],
    });
    const http = await KubeHttp.create(
      await openKubeConnection(loadKubeconfig({ kubeconfig: cluster.kubeconfigPath })),
    );
    const tokenRequest = await http.call({
      method: "POST",
      path: `/api/v1/namespaces/${cluster.namespace}/serviceaccounts/${sa}/token`,
      body: {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { expirationSeconds: 3600 },
      },
      describe: { action: "request token for", target: sa, server, scrub: (t) => t },
    });
    http.close();
    const saDir = join(dir, "serviceaccount");
    await mkdir(saDir, { recursive: true });
    await writeFile(join(saDir, "token"), (tokenRequest.body as { status: { token: string } }).status.token);
    await writeFile(join(saDir, "namespace"), cluster.namespace);
    const caPath = (
      parse(await readFile(cluster.kubeconfigPath, "utf8")) as {
        clusters: { cluster: { "certificate-authority": string } }[];
      }
    ).clusters[0]?.cluster["certificate-authority"] as string;
    await copyFile(caPath, join(saDir, "ca.crt"));
    const { hostname, port } = new URL(server);

    const env = {
      KUBERNETES_SERVICE_HOST: hostname,
      KUBERNETES_SERVICE_PORT: port,
      HOME: join(dir, "nohome"),
    };
    expect(await reachesCluster({ env, serviceAccountDir: saDir })).toBe(server);
    const kube = await connectKube({ env, serviceAccountDir: saDir });
    expect(kube.defaultNamespace).toBe(cluster.namespace);
    // The token is the service account's, not the admin's: RBAC limits it.
    await expect(kube.list("v1", "Secret", { namespace: cluster.namespace })).rejects.toMatchObject({
      code: "forbidden",
    });
    kube.close();
  });

  it("says so when there is no kubeconfig at all", async () => {
    const error = await connectKube({ env: { HOME: join(dir, "empty-home") } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZakenakError);
    expect(error).toMatchObject({ code: "config-missing" });
  });

  it("reports an explicit kubeconfig that does not exist", async () => {
    const missing = join(dir, "missing-kubeconfig");
    await expect(connectKube({ kubeconfig: missing })).rejects.toMatchObject({
      code: "config-missing",
      message: `kubeconfig ${missing} does not exist`,
    });
  });
});

describe("contexts", () => {
  let twoContexts: string;

  beforeAll(async () => {
    const port = await closedPort();
    // current-context points at a dead cluster; "good" at the test cluster.
    twoContexts = await writeKubeconfigVariant(cluster.kubeconfigPath, dir, "two-contexts", (config) => {
      const good = config.contexts[0] as (typeof config.contexts)[number];
      config.clusters.push({ name: "dead", cluster: { server: `https://127.0.0.1:${port}` } });
      config.contexts = [
        { name: "good", context: { ...good.context } },
        { name: "dead", context: { ...good.context, cluster: "dead" } },
      ];
      config["current-context"] = "dead";
    });
  });

  it("uses the named context", async () => {
    expect(await reachesCluster({ kubeconfig: twoContexts, context: "good" })).toBe(server);
  });

  it("uses current-context when none is named", async () => {
    const kube = await connectKube({ kubeconfig: twoContexts });
    expect(kube.server).not.toBe(server);
    await expect(kube.resource("v1", "ConfigMap")).rejects.toMatchObject({ code: "cluster-unavailable" });
  });

  it("warms up against a cluster that is down without failing: the first real request reports it", async () => {
    const kube = await connectKube({ kubeconfig: twoContexts });
    try {
      // A rejection left unhandled here would fail the run.
      kube.warmUp();
      await expect(kube.resource("v1", "ConfigMap")).rejects.toMatchObject({ code: "cluster-unavailable" });
    } finally {
      kube.close();
    }
  });

  it("warms up discovery that later requests use", async () => {
    const kube = await connectKube({ kubeconfig: twoContexts, context: "good" });
    try {
      kube.warmUp();
      expect(await kube.resource("apps/v1", "Deployment")).toMatchObject({
        plural: "deployments",
        namespaced: true,
      });
    } finally {
      kube.close();
    }
  });

  it("rejects an unknown context, naming it and the ones there are", async () => {
    const error = await connectKube({ kubeconfig: twoContexts, context: "prod" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZakenakError);
    expect(error).toMatchObject({
      code: "config-invalid",
      message: `context "prod" is not in kubeconfig ${twoContexts} (it has: good, dead)`,
    });
  });
});
