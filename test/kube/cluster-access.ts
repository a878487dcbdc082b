import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import type { KubeConnection } from "../../src/kube/kube-connection.js";
import { KubeHttp } from "../../src/kube/kube-http.js";
import { identityScrubber } from "../../src/kube/secret-scrubber.js";

const execFileAsync = promisify(execFile);

/** What the test kubeconfig holds, for building other kubeconfigs that reach the same cluster. */
export interface ClusterAccess {
  server: string;
  caPath: string;
  ca: Buffer;
  token: string;
}

export async function readClusterAccess(kubeconfigPath: string): Promise<ClusterAccess> {
  const config = parse(await readFile(kubeconfigPath, "utf8")) as {
    clusters: { cluster: { server: string; "certificate-authority": string } }[];
    users: { user: { token: string } }[];
  };
  const cluster = config.clusters[0]?.cluster;
  const token = config.users[0]?.user.token;
  if (!cluster || !token) throw new Error(`${kubeconfigPath} is not the test kubeconfig`);
  const caPath = cluster["certificate-authority"];
  return { server: cluster.server, caPath, ca: await readFile(caPath), token };
}

/** Writes a kubeconfig with one context, `main`, for the given cluster and user blocks. */
export async function writeKubeconfig(
  path: string,
  cluster: Record<string, unknown>,
  user: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "main", cluster }],
    users: [{ name: "main", user }],
    contexts: [{ name: "main", context: { cluster: "main", user: "main" } }],
    "current-context": "main",
    ...extra,
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
  return path;
}

export interface IssuedCertificate {
  certPath: string;
  keyPath: string;
}

/**
 * A client certificate for `user` in `group`, signed by the test control plane's CA, which
 * kube-apiserver trusts for client certificates (`--client-ca-file`). The CA key sits next to the CA.
 */
export async function issueClientCertificate(
  caPath: string,
  dir: string,
  user: string,
  group: string,
): Promise<IssuedCertificate> {
  const certPath = join(dir, `${user}.crt`);
  const keyPath = join(dir, `${user}.key`);
  const csr = join(dir, `${user}.csr`);
  const ext = join(dir, `${user}.ext`);
  await writeFile(ext, "extendedKeyUsage = clientAuth\nkeyUsage = critical,digitalSignature\n");
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await execFileAsync("openssl", [
    "req",
    "-new",
    ...newKey,
    "-keyout",
    keyPath,
    "-out",
    csr,
    "-subj",
    `/O=${group}/CN=${user}`,
  ]);
  await execFileAsync("openssl", [
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    caPath,
    "-CAkey",
    join(dirname(caPath), "ca.key"),
    "-set_serial",
    `0x${randomBytes(16).toString("hex")}`,
    "-days",
    "1",
    "-extfile",
    ext,
    "-out",
    certPath,
  ]);
  return { certPath, keyPath };
}

/** Who the API server takes the connection's credentials for (a SelfSubjectReview). */
export async function whoAmI(connection: KubeConnection): Promise<{ username: string; groups: string[] }> {
  const http = await KubeHttp.create(connection);
  try {
    const res = await http.call({
      method: "POST",
      path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
      describe: { action: "review", target: "self", server: connection.server, scrub: identityScrubber },
    });
    const { userInfo } = (res.body as { status: { userInfo: { username: string; groups?: string[] } } })
      .status;
    return { username: userInfo.username, groups: userInfo.groups ?? [] };
  } finally {
    http.close();
  }
}
