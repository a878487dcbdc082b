import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ControlPlaneBinaries } from "./binaries.js";
import { freePorts } from "./free-ports.js";
import { generatePki } from "./generate-pki.js";
import { httpStatus } from "./http-status.js";
import { logTail } from "./log-tail.js";
import { type ControlPlanePids, stopControlPlaneProcesses } from "./stop-control-plane-processes.js";
import { waitUntil } from "./wait-until.js";
import { writeKubeconfig } from "./write-kubeconfig.js";

export interface ControlPlanePorts {
  etcdClient: number;
  etcdPeer: number;
  kubeApiserver: number;
}

export interface SpawnControlPlaneOptions {
  /** Holds certificates, etcd data, logs and the kubeconfig; created if missing. */
  dir: string;
  binaries: ControlPlaneBinaries;
  /** Detached processes get their own session and outlive this process (the CLI's `up`). */
  detached: boolean;
  readyTimeoutMs?: number;
  /** Told each pid as soon as it exists, so a caller can clean up even if start-up is interrupted. */
  onSpawn?: (pids: Partial<ControlPlanePids>) => void | Promise<void>;
}

export interface SpawnedControlPlane {
  dir: string;
  kubeconfigPath: string;
  /** https URL of kube-apiserver. */
  server: string;
  /** Bearer token of a user in system:masters. */
  token: string;
  caPath: string;
  pids: ControlPlanePids;
  ports: ControlPlanePorts;
  logs: { etcd: string; kubeApiserver: string };
}

interface Launched {
  name: string;
  child: ChildProcess;
  pid: number;
  log: string;
}

async function launch(name: string, binary: string, args: string[], log: string, detached: boolean) {
  // Logs go to files rather than pipes: a detached process must not depend on a reader that goes away.
  const fd = openSync(log, "w");
  let child: ChildProcess;
  try {
    child = spawn(binary, args, { detached, stdio: ["ignore", fd, fd] });
  } finally {
    closeSync(fd);
  }
  // Neither mode should keep node alive: detached ones outlive us, attached ones are stopped explicitly.
  child.unref();
  if (child.pid === undefined) {
    const error = await new Promise<Error>((settle) => child.once("error", settle));
    throw new Error(`cannot start ${name} (${binary}): ${error.message}`);
  }
  return { name, child, pid: child.pid, log } satisfies Launched;
}

async function waitForReady(launched: Launched, url: string, timeoutMs: number, ca?: Buffer, token?: string) {
  await waitUntil(
    async () => {
      const { exitCode, signalCode } = launched.child;
      if (exitCode !== null || signalCode !== null) {
        const how = signalCode ?? `exit code ${exitCode}`;
        throw new Error(
          `${launched.name} exited early (${how}); last lines of ${launched.log}:\n${await logTail(launched.log)}`,
        );
      }
      return (await httpStatus(url, { ca, token })) === 200 ? true : undefined;
    },
    {
      timeoutMs,
      intervalMs: 200,
      what: `${url} to answer 200`,
      detail: async () => `last lines of ${launched.log}:\n${await logTail(launched.log)}`,
    },
  );
}

/** etcd, then kube-apiserver on it, the way controller-runtime's envtest starts them. */
export async function spawnControlPlane({
  dir: givenDir,
  binaries,
  detached,
  readyTimeoutMs = 120_000,
  onSpawn,
}: SpawnControlPlaneOptions): Promise<SpawnedControlPlane> {
  // Relative paths would be read against the processes' cwd and the kubeconfig's own directory.
  const dir = resolve(givenDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pki = await generatePki(join(dir, "pki"));
  const token = randomBytes(32).toString("hex");
  const tokenFile = join(dir, "pki", "tokens.csv");
  await writeFile(tokenFile, `${token},zakenak-admin,zakenak-admin,"system:masters"\n`, { mode: 0o600 });
  const [etcdClient = 0, etcdPeer = 0, kubeApiserverPort = 0] = await freePorts(3);
  const ports: ControlPlanePorts = { etcdClient, etcdPeer, kubeApiserver: kubeApiserverPort };
  const logs = { etcd: join(dir, "etcd.log"), kubeApiserver: join(dir, "kube-apiserver.log") };
  const etcdUrl = `http://127.0.0.1:${etcdClient}`;
  const peerUrl = `http://127.0.0.1:${etcdPeer}`;
  const server = `https://127.0.0.1:${kubeApiserverPort}`;
  const pids: Partial<ControlPlanePids> = {};
  try {
    const etcd = await launch(
      "etcd",
      binaries.etcd,
      [
        "--name=zakenak",
        `--data-dir=${join(dir, "etcd-data")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=zakenak=${peerUrl}`,
        // Throw-away data: fsync would only make every API write wait on the disk.
        "--unsafe-no-fsync=true",
      ],
      logs.etcd,
      detached,
    );
    pids.etcd = etcd.pid;
    await onSpawn?.({ ...pids });
    await waitForReady(etcd, `${etcdUrl}/health`, readyTimeoutMs);

    const apiserver = await launch(
      "kube-apiserver",
      binaries.kubeApiserver,
      [
        `--etcd-servers=${etcdUrl}`,
        `--cert-dir=${join(dir, "pki")}`,
        `--tls-cert-file=${pki.servingCert}`,
        `--tls-private-key-file=${pki.servingKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--secure-port=${kubeApiserverPort}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        "--service-cluster-ip-range=10.0.0.0/24",
        "--authorization-mode=RBAC",
        // No controller-manager runs to create the service account tokens that this plugin would demand.
        "--disable-admission-plugins=ServiceAccount",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${pki.serviceAccountPublicKey}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        `--token-auth-file=${tokenFile}`,
        "--allow-privileged=true",
        "--profiling=false",
      ],
      logs.kubeApiserver,
      detached,
    );
    pids.kubeApiserver = apiserver.pid;
    await onSpawn?.({ ...pids });
    await waitForReady(apiserver, `${server}/readyz`, readyTimeoutMs, await readFile(pki.caCert), token);

    const kubeconfigPath = join(dir, "kubeconfig");
    await writeKubeconfig({ path: kubeconfigPath, server, caPath: pki.caCert, token });
    return {
      dir,
      kubeconfigPath,
      server,
      token,
      caPath: pki.caCert,
      pids: { etcd: etcd.pid, kubeApiserver: apiserver.pid },
      ports,
      logs,
    };
  } catch (error) {
    await stopControlPlaneProcesses(pids).catch(() => {});
    throw error;
  }
}
