import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/model/kube-object.js";
import { uniqueSuffix, useTestCluster } from "./test-cluster.js";

const cluster = useTestCluster();

function configMap(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: cluster.namespace, labels },
    data: { key: "value" },
  };
}

const cmRef = (name: string, namespace = cluster.namespace) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  namespace,
  name,
});

describe("get", () => {
  it("returns undefined for a missing object, also in a missing namespace", async () => {
    expect(await cluster.kube.get(cmRef("does-not-exist"))).toBeUndefined();
    expect(await cluster.kube.get(cmRef("x", `missing-${uniqueSuffix()}`))).toBeUndefined();
  });

  it("reads a cluster-scoped object", async () => {
    const ns = await cluster.kube.get({ apiVersion: "v1", kind: "Namespace", name: cluster.namespace });
    expect(ns?.metadata.name).toBe(cluster.namespace);
  });
});

describe("create and replace", () => {
  it("creates, replaces with the current resourceVersion, and rejects a stale one as a conflict", async () => {
    const name = `cr-${uniqueSuffix()}`;
    const created = await cluster.kube.create(configMap(name));
    const stale = created;
    const replaced = await cluster.kube.replace({ ...created, data: { key: "second" } });
    expect(replaced.data).toEqual({ key: "second" });

    const error = await cluster.kube.replace({ ...stale, data: { key: "third" } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "conflict", status: 409, reason: "Conflict", retryable: false });
    expect((error as Error).message).toContain(`replace ConfigMap ${cluster.namespace}/${name}:`);
    expect((await cluster.kube.get(cmRef(name)))?.data).toEqual({ key: "second" });
  });

  it("rejects creating an object that exists as a conflict", async () => {
    const name = `dup-${uniqueSuffix()}`;
    await cluster.kube.create(configMap(name));
    const error = await cluster.kube.create(configMap(name)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "conflict", status: 409, reason: "AlreadyExists" });
  });
});

describe("delete", () => {
  it("returns true when it deleted the object, then false", async () => {
    const name = `del-${uniqueSuffix()}`;
    await cluster.kube.apply(configMap(name));
    expect(await cluster.kube.delete(cmRef(name))).toBe(true);
    expect(await cluster.kube.get(cmRef(name))).toBeUndefined();
    expect(await cluster.kube.delete(cmRef(name))).toBe(false);
  });
});

describe("list", () => {
  it("filters by namespace and label selector, and fills in apiVersion and kind", async () => {
    const run = uniqueSuffix();
    await Promise.all([
      cluster.kube.apply(configMap(`a1-${run}`, { run, app: "a" })),
      cluster.kube.apply(configMap(`a2-${run}`, { run, app: "a" })),
      cluster.kube.apply(configMap(`b1-${run}`, { run, app: "b" })),
    ]);

    const a = await cluster.kube.list("v1", "ConfigMap", {
      namespace: cluster.namespace,
      labelSelector: `run=${run},app=a`,
    });
    expect(a.map((o) => o.metadata.name).sort()).toEqual([`a1-${run}`, `a2-${run}`]);
    expect(a.every((o) => o.apiVersion === "v1" && o.kind === "ConfigMap")).toBe(true);

    const everywhere = await cluster.kube.list("v1", "ConfigMap", { labelSelector: `run=${run}` });
    expect(everywhere).toHaveLength(3);

    const elsewhere = await cluster.kube.list("v1", "ConfigMap", {
      namespace: "default",
      labelSelector: `run=${run}`,
    });
    expect(elsewhere).toEqual([]);
  });

  it("lists a cluster-scoped kind", async () => {
    const namespaces = await cluster.kube.list("v1", "Namespace");
    expect(namespaces.map((n) => n.metadata.name)).toEqual(
      expect.arrayContaining(["default", "kube-system", cluster.namespace]),
    );
  });
});
