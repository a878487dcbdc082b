import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { controlPlaneBinaries } from "../../src/control-plane/binaries.js";
import { controlPlaneVersions } from "../../src/control-plane/control-plane-versions.js";
import { httpStatus } from "../../src/control-plane/http-status.js";
import { isProcessAlive } from "../../src/control-plane/is-process-alive.js";
import type { LocalControlPlaneState } from "../../src/control-plane/local-control-plane-state.js";
import { type ControlPlane, startControlPlane } from "../../src/control-plane/start-control-plane.js";
import { stopControlPlaneProcesses } from "../../src/control-plane/stop-control-plane-processes.js";
import { toolPath } from "../../src/tools/tool-path.js";

const execFileAsync = promisify(execFile);
const kubectlBin = toolPath("kubectl");
const cliSource = fileURLToPath(new URL("../../src/control-plane/cli.ts", import.meta.url));
// Lets node run the CLI straight from its TypeScript source (node strips the types itself): the source
// imports siblings as ./x.js, which only exist as ./x.ts until `npm run build`.
const tsResolveHook = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from "node:module";
registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (error) {
      if (error?.code !== "ERR_MODULE_NOT_FOUND" || !/^\\.\\.?\\/.*\\.js$/.test(specifier)) throw error;
      return next(specifier.slice(0, -3) + ".ts", context);
    }
  },
});`)}`;

// Building the binaries on a cold cache takes minutes on two cores.
const buildTimeoutMs = 20 * 60_000;
const startTimeoutMs = 180_000;

async function kubectl(kubeconfigPath: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(kubectlBin, ["--kubeconfig", kubeconfigPath, ...args]);
  return stdout;
}

async function cli(stateDir: string, command: string): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", "--import", tsResolveHook, cliSource, command],
    { env: { ...process.env, ZAKENAK_LOCAL_CONTROL_PLANE_DIR: stateDir }, timeout: startTimeoutMs },
  );
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNREFUSED") resolve(true);
      else reject(error);
    });
  });
}

beforeAll(async () => {
  await controlPlaneBinaries();
}, buildTimeoutMs);

describe("shared control plane", () => {
  let kubeconfigPath: string;
  let own: ControlPlane | undefined;

  beforeAll(async () => {
    const provided = inject("kubeconfigPath");
    if (provided) {
      kubeconfigPath = provided;
    } else {
      // Without the global setup in the config, this file still tests a real control plane of its own.
      own = await startControlPlane();
      kubeconfigPath = own.kubeconfigPath;
    }
  }, startTimeoutMs);

  afterAll(async () => {
    await own?.stop();
  }, 30_000);

  it("lists the default namespace", async () => {
    const names = (await kubectl(kubeconfigPath, "get", "ns", "-o", "name")).trim().split("\n");
    expect(names).toContain("namespace/default");
  });

  it("stores a ConfigMap", async () => {
    const name = `zakenak-control-plane-test-${process.pid}-${Date.now()}`;
    await kubectl(
      kubeconfigPath,
      "create",
      "configmap",
      name,
      "-n",
      "default",
      "--from-literal=greeting=hello",
    );
    try {
      const configMap = JSON.parse(
        await kubectl(kubeconfigPath, "get", "configmap", name, "-n", "default", "-o", "json"),
      );
      expect(configMap.data).toEqual({ greeting: "hello" });
      expect(configMap.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await kubectl(kubeconfigPath, "delete", "configmap", name, "-n", "default", "--wait=false");
    }
  });

  it("reports the Kubernetes version it was built from", async () => {
    const version = JSON.parse(await kubectl(kubeconfigPath, "version", "-o", "json"));
    expect(version.serverVersion.gitVersion).toBe(controlPlaneVersions().kubernetes);
  });
});

describe("startControlPlane", () => {
  it(
    "stop() ends both processes, frees their ports and removes the directory",
    async () => {
      const controlPlane = await startControlPlane();
      const { pids, ports, dir } = controlPlane;
      try {
        expect(
          await httpStatus(`${controlPlane.server}/readyz`, { ca: await readFile(controlPlane.caPath) }),
        ).toBe(200);
        expect(isProcessAlive(pids.kubeApiserver)).toBe(true);
        expect(isProcessAlive(pids.etcd)).toBe(true);
      } finally {
        await controlPlane.stop();
      }
      expect(isProcessAlive(pids.kubeApiserver)).toBe(false);
      expect(isProcessAlive(pids.etcd)).toBe(false);
      for (const port of [ports.kubeApiserver, ports.etcdClient, ports.etcdPeer]) {
        expect(await refusesConnections(port), `port ${port}`).toBe(true);
      }
      if (!process.env.ZAKENAK_KEEP_CONTROL_PLANE) expect(existsSync(dir)).toBe(false);
    },
    startTimeoutMs + 30_000,
  );
});

describe("control-plane CLI", () => {
  it(
    "up starts a detached control plane, status reports it, down leaves no process behind",
    async () => {
      const stateDir = await mkdtemp(join(tmpdir(), "zakenak-local-control-plane-"));
      const readState = async () =>
        JSON.parse(await readFile(join(stateDir, "state.json"), "utf8")) as LocalControlPlaneState;
      let state: LocalControlPlaneState | undefined;
      try {
        const up = await cli(stateDir, "up");
        const kubeconfigPath = up.stdout.trim();
        expect(kubeconfigPath).toBe(join(stateDir, "kubeconfig"));
        expect(up.stderr).toContain(`export KUBECONFIG=${kubeconfigPath}`);
        state = await readState();
        const { etcd, kubeApiserver } = state.pids;
        if (etcd === undefined || kubeApiserver === undefined) throw new Error("state.json lacks pids");
        // The CLI process has exited by now; the control plane must have outlived it.
        expect(isProcessAlive(kubeApiserver)).toBe(true);
        expect(isProcessAlive(etcd)).toBe(true);
        expect(await kubectl(kubeconfigPath, "get", "ns", "default", "-o", "name")).toBe(
          "namespace/default\n",
        );

        expect((await cli(stateDir, "status")).stdout).toBe("up\n");
        expect((await cli(stateDir, "up")).stdout.trim()).toBe(kubeconfigPath);
        expect((await readState()).pids).toEqual(state.pids);

        await cli(stateDir, "down");
        expect(isProcessAlive(kubeApiserver)).toBe(false);
        expect(isProcessAlive(etcd)).toBe(false);
        for (const port of Object.values(state.ports ?? {})) {
          expect(await refusesConnections(port), `port ${port}`).toBe(true);
        }
        expect(existsSync(join(stateDir, "state.json"))).toBe(false);
        expect((await cli(stateDir, "status")).stdout).toBe("down\n");
      } finally {
        if (state) await stopControlPlaneProcesses(state.pids, stateDir);
        await rm(stateDir, { recursive: true, force: true });
      }
    },
    2 * startTimeoutMs,
  );
});
