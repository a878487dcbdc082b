import { describe, expect, it } from "vitest";
import { KubeApiError } from "../../src/kube/kube-api-error.js";
import type { KubeObject } from "../../src/model/kube-object.js";
import { uniqueSuffix, useTestCluster } from "./test-cluster.js";

const cluster = useTestCluster();

function configMap(name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: cluster.namespace }, data };
}

function deployment(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: cluster.namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "app", image: "registry.invalid/app:1" }] },
      },
      ...extra,
    },
  };
}

const ref = (obj: KubeObject) => ({
  apiVersion: obj.apiVersion,
  kind: obj.kind,
  namespace: obj.metadata.namespace,
  name: obj.metadata.name ?? "",
});

describe("apply", () => {
  it("creates an object, and a second identical apply changes nothing", async () => {
    const cm = configMap(`cm-${uniqueSuffix()}`, { greeting: "hello" });
    const created = await cluster.kube.apply(cm);
    expect(created).toMatchObject({ data: { greeting: "hello" }, metadata: { name: cm.metadata.name } });
    const firstVersion = (created.metadata as { resourceVersion: string }).resourceVersion;
    expect(firstVersion).toBeTruthy();

    const again = await cluster.kube.apply(cm);
    expect((again.metadata as { resourceVersion: string }).resourceVersion).toBe(firstVersion);
    const stored = await cluster.kube.get(ref(cm));
    expect(stored?.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: "zakenak", operation: "Apply" }),
    ]);
  });

  it("puts a namespaced object without a namespace into the context's namespace", async () => {
    const name = `cm-${uniqueSuffix()}`;
    await cluster.kube.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { a: "1" } });
    expect(cluster.kube.defaultNamespace).toBe("default");
    expect(
      await cluster.kube.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name }),
    ).toBeDefined();
    await cluster.kube.delete({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name });
  });

  it("does not persist a dry run, and shows the server's defaults", async () => {
    const dep = deployment(`dry-${uniqueSuffix()}`);
    const result = await cluster.kube.apply(dep, { dryRun: true });
    expect(result).toMatchObject({
      spec: {
        replicas: 1,
        revisionHistoryLimit: 10,
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
        template: { spec: { restartPolicy: "Always", dnsPolicy: "ClusterFirst" } },
      },
    });
    expect(await cluster.kube.get(ref(dep))).toBeUndefined();
  });

  it("dry-runs a change to an existing object without storing it", async () => {
    const cm = configMap(`cm-${uniqueSuffix()}`, { value: "old" });
    await cluster.kube.apply(cm);
    const preview = await cluster.kube.apply(configMap(cm.metadata.name ?? "", { value: "new" }), {
      dryRun: true,
    });
    expect(preview.data).toEqual({ value: "new" });
    expect((await cluster.kube.get(ref(cm)))?.data).toEqual({ value: "old" });
  });
});

describe("field-manager conflicts", () => {
  it("names the field and its manager, and force takes it over", async () => {
    const name = `conflict-${uniqueSuffix()}`;
    await cluster.kube.apply(deployment(name, { replicas: 2 }), { fieldManager: "kubectl-edit" });

    const error = await cluster.kube.apply(deployment(name, { replicas: 3 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({
      code: "apply-conflict",
      status: 409,
      reason: "Conflict",
      retryable: false,
      conflicts: [{ field: ".spec.replicas", manager: "kubectl-edit" }],
    });
    expect((error as Error).message).toBe(
      `field-manager conflict on Deployment ${cluster.namespace}/${name}: .spec.replicas is owned by ` +
        `"kubectl-edit"; set forceConflicts: true on the environment to take it over`,
    );

    const forced = await cluster.kube.apply(deployment(name, { replicas: 3 }), { force: true });
    expect((forced.spec as { replicas: number }).replicas).toBe(3);
  });

  it("applies without conflict when the value is the same (shared ownership)", async () => {
    const name = `shared-${uniqueSuffix()}`;
    await cluster.kube.apply(deployment(name, { replicas: 2 }), { fieldManager: "other" });
    const applied = await cluster.kube.apply(deployment(name, { replicas: 2 }));
    expect((applied.spec as { replicas: number }).replicas).toBe(2);
  });
});

describe("applyStatus", () => {
  it("sets a Deployment's status without touching its spec", async () => {
    const dep = deployment(`status-${uniqueSuffix()}`, { replicas: 2 });
    const created = await cluster.kube.apply(dep);
    const status = {
      observedGeneration: (created.metadata as { generation: number }).generation,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: [
        {
          type: "Available",
          status: "True",
          reason: "MinimumReplicasAvailable",
          message: "Deployment has minimum availability.",
          lastUpdateTime: "2026-01-01T00:00:00Z",
          lastTransitionTime: "2026-01-01T00:00:00Z",
        },
      ],
    };
    const result = await cluster.kube.applyStatus(
      { apiVersion: "apps/v1", kind: "Deployment", metadata: dep.metadata, status },
      { fieldManager: "test-controller" },
    );
    expect(result.status).toMatchObject({ availableReplicas: 2, readyReplicas: 2 });
    const stored = await cluster.kube.get(ref(dep));
    expect(stored?.status).toMatchObject(status);
    expect(stored?.spec).toMatchObject({ replicas: 2 });
  });
});
