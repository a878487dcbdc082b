import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { inject } from "vitest";
import type { ApplyEnvironmentOptions, EnvironmentTarget } from "../../src/applying/apply-environment.js";
import { type ConnectedKubeClient, connectKube } from "../../src/kube/connect-kube.js";
import type { KubeClient, ObjectRef } from "../../src/kube/kube-client.js";
import type { KubeObject } from "../../src/model/kube-object.js";

/** Kubeconfig of the control plane the Vitest global setup started for the whole run. */
export function sharedKubeconfig(): string {
  const path = inject("kubeconfigPath") || process.env.ZAKENAK_TEST_KUBECONFIG;
  if (!path) throw new Error("no test control plane: run through vitest.config.ts (its global setup)");
  return path;
}

export function connectShared(): Promise<ConnectedKubeClient> {
  return connectKube({ kubeconfig: sharedKubeconfig() });
}

/** A DNS-label name no other test (nor an earlier run on a reused cluster) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString("hex")}`;
}

export function namespaceObject(name: string): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name } };
}

export function configMapObject(
  namespace: string,
  name: string,
  data: Record<string, string>,
  annotations?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    data,
  };
}

export function secretObject(
  namespace: string,
  name: string,
  stringData: Record<string, string>,
): KubeObject {
  return { apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: { name, namespace }, stringData };
}

export function deploymentObject(namespace: string, name: string, image: string, replicas = 1): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: "app", image, resources: { limits: { cpu: "100m", memory: "64Mi" } } }],
        },
      },
    },
  };
}

export function jobObject(namespace: string, name: string): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace },
    spec: {
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: "Never",
          containers: [{ name: "job", image: "busybox:1.36.1", command: ["false"] }],
        },
      },
    },
  };
}

export function refOf(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name as string,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
}

export interface LogLine {
  at: number;
  line: string;
}

/**
 * Options for `applyEnvironment` with test defaults (no waiting for a lock, no health wait, a unique
 * holder); `lines` collects what it logs, with the time of each line.
 */
export function applyOptions(
  client: KubeClient,
  environment: string | EnvironmentTarget,
  objects: readonly KubeObject[],
  overrides: Partial<ApplyEnvironmentOptions> = {},
): ApplyEnvironmentOptions & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const holder = uniqueName("test-holder");
  return {
    client,
    environment: typeof environment === "string" ? { name: environment } : environment,
    objects,
    sha: "0123456789abcdef0123456789abcdef01234567",
    ref: "main",
    actor: "tester",
    holder,
    holderDescription: `test ${holder}`,
    lockWaitMs: 0,
    wait: false,
    log: (line) => lines.push({ at: Date.now(), line }),
    ...overrides,
    lines,
  };
}

/**
 * Polls `fn` until it returns something other than undefined/false, or fails after `timeoutMs` naming
 * `what` and the last error seen.
 */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await delay(intervalMs);
  }
}

/** The rejection of a promise that must reject; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (err: unknown) => ({ err }),
  );
  if (!("err" in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.resolved)}`);
  if (!(outcome.err instanceof Error)) throw new Error(`rejected with a non-Error: ${String(outcome.err)}`);
  return outcome.err as Error & { code?: string };
}

/** `data` of a live ConfigMap, or undefined when it does not exist. */
export async function liveData(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<Record<string, string> | undefined> {
  const cm = await client.get({ apiVersion: "v1", kind: "ConfigMap", namespace, name });
  return cm ? ((cm.data ?? {}) as Record<string, string>) : undefined;
}

/** Managers recorded in an object's managedFields, as `manager/operation`. */
export function managersOf(obj: KubeObject | undefined): string[] {
  const fields = (obj?.metadata.managedFields ?? []) as { manager?: string; operation?: string }[];
  return fields.map((f) => `${f.manager}/${f.operation}`);
}
