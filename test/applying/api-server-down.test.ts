import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEnvironment } from "../../src/applying/apply-environment.js";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { httpStatus } from "../../src/control-plane/http-status.js";
import { type ControlPlane, startControlPlane } from "../../src/control-plane/start-control-plane.js";
import { stopProcess } from "../../src/control-plane/stop-process.js";
import { type ConnectedKubeClient, connectKube } from "../../src/kube/connect-kube.js";
import { KubeApiError } from "../../src/kube/kube-api-error.js";
import type { KubeObject } from "../../src/model/kube-object.js";
import { ENVIRONMENT_LABEL } from "../../src/server-side-apply/strip-server-fields.js";
import {
  applyOptions,
  configMapObject,
  namespaceObject,
  rejectionOf,
  uniqueName,
  waitFor,
} from "../support/cluster-kit.js";

// This file kills and restarts kube-apiserver, so it has a control plane of its own.
let cp: ControlPlane;
let restartedPid: number | undefined;
const clients: ConnectedKubeClient[] = [];

beforeAll(async () => {
  cp = await startControlPlane();
}, 180_000);

afterAll(async () => {
  for (const c of clients) c.close();
  // kube-apiserver before etcd: the restarted one is ours to stop, the rest is the control plane's.
  if (restartedPid !== undefined) await stopProcess(restartedPid);
  await cp?.stop();
}, 60_000);

async function connect(): Promise<ConnectedKubeClient> {
  const c = await connectKube({ kubeconfig: cp.kubeconfigPath });
  clients.push(c);
  return c;
}

/** The command line kube-apiserver was started with, to start it again the same way on the same etcd. */
function commandLineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, "utf8")
    .split("\0")
    .filter((a) => a !== "");
}

async function restartApiServer(argv: string[]): Promise<void> {
  const fd = openSync(join(cp.dir, "kube-apiserver-restarted.log"), "w");
  try {
    const [binary = "", ...args] = argv;
    const child = spawn(binary, args, { stdio: ["ignore", fd, fd] });
    child.unref();
    restartedPid = child.pid;
  } finally {
    closeSync(fd);
  }
  const ca = readFileSync(cp.caPath);
  await waitFor(
    "the restarted kube-apiserver to be ready",
    async () => (await httpStatus(`${cp.server}/readyz`, { ca, token: cp.token })) === 200,
    { timeoutMs: 120_000, intervalMs: 200 },
  );
}

describe("the API server going away mid-apply", () => {
  it("fails the apply with cluster-unavailable and never records it as succeeded", async () => {
    const env = uniqueName("gone");
    const ns = env;
    const applier = await connect();
    const observer = await connect();
    const objects: KubeObject[] = [
      namespaceObject(ns),
      ...Array.from({ length: 400 }, (_, i) =>
        configMapObject(ns, `cm-${i}`, { n: String(i), text: "z".repeat(4000) }),
      ),
    ];
    const apiserverArgv = commandLineOf(cp.pids.kubeApiserver);

    const pending = applyEnvironment(applyOptions(applier, env, objects, { leaseSeconds: 2 }));
    const failure = rejectionOf(pending);
    await waitFor(
      "the apply to have written its first objects",
      async () =>
        (
          await observer.list("v1", "ConfigMap", {
            namespace: ns,
            labelSelector: `${ENVIRONMENT_LABEL}=${env}`,
          })
        ).length > 0,
      { timeoutMs: 60_000, intervalMs: 10 },
    );
    process.kill(cp.pids.kubeApiserver, "SIGKILL");
    const killedAt = Date.now();

    const err = await failure;
    // Retried with backoff first, then given up with a clear error rather than hanging.
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.code).toBe("cluster-unavailable");
    expect(err.message).toContain(`cannot reach the API server at ${cp.server}`);
    expect((err as KubeApiError).retryable).toBe(true);

    // Back on the same etcd: the revision is there and was never marked succeeded.
    await restartApiServer(apiserverArgv);
    const history = await listRevisions(observer, env);
    expect(history.map((r) => r.number)).toEqual([1]);
    expect(history.some((r) => r.result === "succeeded")).toBe(false);
    expect(history[0]?.result).toBe("in-progress");

    // The next apply waits out the dead process's lease, settles its revision and completes.
    const next = applyOptions(observer, env, objects, { lockWaitMs: 60_000 });
    const outcome = await applyEnvironment(next);
    expect(outcome.result).toBe("succeeded");
    expect(outcome.revision).toBe(2);
    const live = await observer.list("v1", "ConfigMap", {
      namespace: ns,
      labelSelector: `${ENVIRONMENT_LABEL}=${env}`,
    });
    expect(live).toHaveLength(400);
    const after = await listRevisions(observer, env);
    expect(after.map((r) => [r.number, r.result])).toEqual([
      [2, "succeeded"],
      [1, "failed"],
    ]);
    expect(after[1]?.message).toContain("interrupted");
  }, 240_000);
});
