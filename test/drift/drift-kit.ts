import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { expect } from "vitest";
import { freePorts } from "../../src/control-plane/free-ports.js";
import { type DriftState, readDriftState } from "../../src/drift/drift-state.js";
import type { KubeClient } from "../../src/kube/kube-client.js";
import { runProcess } from "../../src/tools/run-process.js";
import { toolPath } from "../../src/tools/tool-path.js";
import { sharedKubeconfig, waitFor } from "../support/cluster-kit.js";

/** Runs the real kubectl against the test control plane: a change made behind Zakenak's back. */
export async function kubectl(...args: string[]): Promise<string> {
  const res = await runProcess(toolPath("kubectl"), ["--kubeconfig", sharedKubeconfig(), ...args]);
  expect(res.code, `kubectl ${args.join(" ")}: ${res.stderr}`).toBe(0);
  return res.stdout;
}

/** Waits until the stored drift state of an environment satisfies `ok`, and returns it. */
export function driftStateWhen(
  redis: Redis,
  keyPrefix: string,
  repository: string,
  environment: string,
  what: string,
  ok: (s: DriftState) => boolean,
  timeoutMs = 20_000,
): Promise<DriftState> {
  return waitFor(
    `${environment}: ${what}`,
    async () => {
      const s = await readDriftState(redis, repository, environment, keyPrefix);
      return s && ok(s) ? s : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** A check that ran after `after` (ISO or epoch ms) and satisfies `ok`. */
export function laterCheck(after: string | number, ok: (s: DriftState) => boolean = () => true) {
  const t = typeof after === "number" ? after : Date.parse(after);
  return (s: DriftState) => Date.parse(s.checkedAt) > t && ok(s);
}

export async function replicasOf(client: KubeClient, namespace: string): Promise<number | undefined> {
  const dep = await client.get({ apiVersion: "apps/v1", kind: "Deployment", namespace, name: "web" });
  return (dep?.spec as { replicas?: number } | undefined)?.replicas;
}

/** A kubeconfig whose API server is a loopback port nothing listens on. */
export async function closedPortKubeconfig(dir: string): Promise<string> {
  const [port] = await freePorts(1);
  const path = join(dir, "closed-port.kubeconfig");
  writeFileSync(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `  - name: gone\n    cluster:\n      server: https://127.0.0.1:${port}\n      insecure-skip-tls-verify: true`,
      "users:",
      "  - name: nobody\n    user:\n      token: not-a-real-token",
      "contexts:",
      "  - name: gone\n    context:\n      cluster: gone\n      user: nobody",
      "current-context: gone",
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  return path;
}
