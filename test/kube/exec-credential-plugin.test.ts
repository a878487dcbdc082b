import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectKube } from "../../src/kube/connect-kube.js";
import { KubeHttp } from "../../src/kube/kube-http.js";
import { loadKubeconfig } from "../../src/kube/load-kubeconfig.js";
import { openKubeConnection } from "../../src/kube/open-kube-connection.js";
import { identityScrubber } from "../../src/kube/secret-scrubber.js";
import {
  type ClusterAccess,
  issueClientCertificate,
  readClusterAccess,
  whoAmI,
  writeKubeconfig,
} from "./cluster-access.js";
import { useTestCluster } from "./test-cluster.js";

const cluster = useTestCluster();
let dir: string;
let access: ClusterAccess;
const V1 = "client.authentication.k8s.io/v1";
const FAR_FUTURE = "2999-01-01T00:00:00Z";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "zakenak-kube-exec-"));
  access = await readClusterAccess(cluster.kubeconfigPath);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * A directory with `plugin.sh`: it counts its runs in `runs`, keeps what it was given in `info.json`
 * and `args`, and prints `credential<n>.json` for its n-th run (else the last one there is).
 */
async function pluginDir(name: string, credentials: object[]): Promise<string> {
  const here = join(dir, name);
  await mkdir(here, { recursive: true });
  for (const [i, credential] of credentials.entries()) {
    await writeFile(join(here, `credential${i + 1}.json`), JSON.stringify(credential));
  }
  const script = `#!/bin/sh
set -e
cd "$(dirname "$0")"
echo run >> runs
n=$(wc -l < runs | tr -d ' ')
[ -f "credential$n.json" ] || n=${credentials.length}
printf '%s' "$KUBERNETES_EXEC_INFO" > info.json
echo "$@ $PLUGIN_GREETING" > args
cat "credential$n.json"
`;
  await writeFile(join(here, "plugin.sh"), script);
  await chmod(join(here, "plugin.sh"), 0o755);
  return here;
}

async function runs(here: string): Promise<number> {
  return (await readFile(join(here, "runs"), "utf8").catch(() => "")).split("\n").filter(Boolean).length;
}

function execUser(exec: Record<string, unknown>) {
  return { exec: { apiVersion: V1, command: "./plugin.sh", interactiveMode: "Never", ...exec } };
}

const clusterBlock = () => ({ server: access.server, "certificate-authority": access.caPath });
const nsRef = () => ({ apiVersion: "v1", kind: "Namespace", name: cluster.namespace });

describe("exec credential plugins", () => {
  it("runs the plugin once for many requests while its token is valid", async () => {
    const here = await pluginDir("cached", [
      {
        apiVersion: V1,
        kind: "ExecCredential",
        status: { token: access.token, expirationTimestamp: FAR_FUTURE },
      },
    ]);
    const path = await writeKubeconfig(
      join(here, "config"),
      clusterBlock(),
      execUser({
        args: ["--cluster", "main"],
        env: [{ name: "PLUGIN_GREETING", value: "hello" }],
        provideClusterInfo: true,
      }),
    );
    const kube = await connectKube({ kubeconfig: path });
    try {
      for (let i = 0; i < 3; i++) expect((await kube.get(nsRef()))?.metadata.name).toBe(cluster.namespace);
      await Promise.all(
        Array.from({ length: 5 }, () => kube.list("v1", "ConfigMap", { namespace: "default" })),
      );
    } finally {
      kube.close();
    }
    expect(await runs(here)).toBe(1);
    expect((await readFile(join(here, "args"), "utf8")).trim()).toBe("--cluster main hello");
    expect(JSON.parse(await readFile(join(here, "info.json"), "utf8"))).toEqual({
      apiVersion: V1,
      kind: "ExecCredential",
      spec: {
        interactive: false,
        cluster: { server: access.server, "certificate-authority-data": access.ca.toString("base64") },
      },
    });
  });

  it("runs it again once the token has expired", async () => {
    const here = await pluginDir("expired", [
      {
        apiVersion: V1,
        kind: "ExecCredential",
        status: { token: access.token, expirationTimestamp: "2000-01-01T00:00:00Z" },
      },
    ]);
    const path = await writeKubeconfig(join(here, "config"), clusterBlock(), execUser({}));
    const http = await KubeHttp.create(await openKubeConnection(loadKubeconfig({ kubeconfig: path })));
    try {
      for (let i = 0; i < 3; i++) {
        await http.call({
          method: "GET",
          path: "/version",
          describe: { action: "get", target: "version", server: access.server, scrub: identityScrubber },
        });
      }
    } finally {
      http.close();
    }
    // Once on connecting, then once per request.
    expect(await runs(here)).toBe(4);
    // Without provideClusterInfo the plugin is told nothing about the cluster.
    expect(JSON.parse(await readFile(join(here, "info.json"), "utf8"))).toEqual({
      apiVersion: V1,
      kind: "ExecCredential",
      spec: { interactive: false },
    });
  });

  it("asks again after the server rejected the token", async () => {
    const credential = (token: string) => ({
      apiVersion: V1,
      kind: "ExecCredential",
      status: { token, expirationTimestamp: FAR_FUTURE },
    });
    const here = await pluginDir("rejected", [credential("stale"), credential(access.token)]);
    const path = await writeKubeconfig(join(here, "config"), clusterBlock(), execUser({}));
    const kube = await connectKube({ kubeconfig: path });
    try {
      await expect(kube.get(nsRef())).rejects.toMatchObject({ code: "unauthorized" });
      expect((await kube.get(nsRef()))?.metadata.name).toBe(cluster.namespace);
      await kube.get(nsRef());
    } finally {
      kube.close();
    }
    expect(await runs(here)).toBe(2);
  });

  it("presents the client certificate a v1beta1 plugin hands out", async () => {
    const v1beta1 = "client.authentication.k8s.io/v1beta1";
    const certs = join(dir, "exec-certs");
    await mkdir(certs, { recursive: true });
    const issued = await issueClientCertificate(access.caPath, certs, "exec-cert-user", "system:masters");
    const here = await pluginDir("client-cert", [
      {
        apiVersion: v1beta1,
        kind: "ExecCredential",
        status: {
          clientCertificateData: await readFile(issued.certPath, "utf8"),
          clientKeyData: await readFile(issued.keyPath, "utf8"),
          expirationTimestamp: FAR_FUTURE,
        },
      },
    ]);
    const path = await writeKubeconfig(
      join(here, "config"),
      clusterBlock(),
      execUser({ apiVersion: v1beta1, interactiveMode: undefined }),
    );
    const connection = await openKubeConnection(loadKubeconfig({ kubeconfig: path }));
    expect(connection.loader).toBe("native");
    expect(connection.staticAuth).toBe(false);
    expect(await whoAmI(connection)).toMatchObject({ username: "exec-cert-user" });
    expect(await runs(here)).toBe(1);
  });

  it("reports a failing plugin with what it printed on stderr", async () => {
    const here = join(dir, "failing");
    await mkdir(here, { recursive: true });
    await writeFile(join(here, "plugin.sh"), "#!/bin/sh\necho 'log in first' >&2\nexit 3\n");
    await chmod(join(here, "plugin.sh"), 0o755);
    const path = await writeKubeconfig(join(here, "config"), clusterBlock(), execUser({}));
    await expect(connectKube({ kubeconfig: path })).rejects.toMatchObject({
      code: "config-invalid",
      message: `kubeconfig ${path}, context "main": exec plugin "${join(here, "plugin.sh")}" exited with code 3: log in first`,
    });
  });

  it("passes on the install hint of a plugin that is not installed", async () => {
    const here = join(dir, "missing");
    await mkdir(here, { recursive: true });
    const path = await writeKubeconfig(
      join(here, "config"),
      clusterBlock(),
      execUser({ command: "zakenak-no-such-plugin", installHint: "Install it from the team wiki." }),
    );
    const error = await connectKube({ kubeconfig: path }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "config-invalid" });
    expect((error as Error).message).toContain('cannot run exec plugin "zakenak-no-such-plugin"');
    expect((error as Error).message).toContain("Install it from the team wiki.");
  });

  it("rejects output that is not an ExecCredential of the configured version", async () => {
    const here = await pluginDir("wrong-version", [
      { apiVersion: "client.authentication.k8s.io/v1beta1", kind: "ExecCredential", status: { token: "x" } },
    ]);
    const path = await writeKubeconfig(join(here, "config"), clusterBlock(), execUser({}));
    await expect(connectKube({ kubeconfig: path })).rejects.toMatchObject({
      code: "config-invalid",
      message: expect.stringContaining(
        `is configured for ${V1} but printed client.authentication.k8s.io/v1beta1`,
      ),
    });
  });
});
