import { describe, expect, it } from "vitest";
import { ApiDiscovery } from "../../src/kube/api-discovery.js";
import { connectKube } from "../../src/kube/connect-kube.js";
import { KubeApiError } from "../../src/kube/kube-api-error.js";
import { KubeHttp } from "../../src/kube/kube-http.js";
import { loadKubeconfig } from "../../src/kube/load-kubeconfig.js";
import { openKubeConnection } from "../../src/kube/open-kube-connection.js";
import type { KubeObject } from "../../src/model/kube-object.js";
import { uniqueSuffix, useTestCluster } from "./test-cluster.js";

const cluster = useTestCluster();

function crd(group: string, plural: string, kind: string): KubeObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: { plural, kind },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: { spec: { type: "object", properties: { size: { type: "integer" } } } },
            },
          },
        },
      ],
    },
  };
}

describe("resource()", () => {
  it("maps a core kind", async () => {
    expect(await cluster.kube.resource("v1", "ConfigMap")).toEqual({
      group: "",
      version: "v1",
      kind: "ConfigMap",
      plural: "configmaps",
      namespaced: true,
    });
  });

  it("maps a kind in a group", async () => {
    expect(await cluster.kube.resource("apps/v1", "Deployment")).toEqual({
      group: "apps",
      version: "v1",
      kind: "Deployment",
      plural: "deployments",
      namespaced: true,
    });
  });

  it("maps a cluster-scoped kind", async () => {
    expect(await cluster.kube.resource("v1", "Namespace")).toMatchObject({
      plural: "namespaces",
      namespaced: false,
    });
    expect(await cluster.kube.resource("rbac.authorization.k8s.io/v1", "ClusterRole")).toMatchObject({
      plural: "clusterroles",
      namespaced: false,
    });
  });

  it("rejects an unknown kind with a message naming it", async () => {
    const error = await cluster.kube.resource("example.com/v1", "Gadget").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ code: "unknown-kind", retryable: false });
    expect((error as Error).message).toContain("kind Gadget in example.com/v1 is not served");
  });

  it("points at the served version when only the apiVersion is wrong", async () => {
    const error = await cluster.kube.resource("apps/v1beta1", "Deployment").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "unknown-kind" });
    expect((error as Error).message).toContain("Deployment is served as apps/v1");
  });

  it("gives the same mapping through per-group discovery as through aggregated discovery", async () => {
    const http = await KubeHttp.create(
      await openKubeConnection(loadKubeconfig({ kubeconfig: cluster.kubeconfigPath })),
    );
    try {
      const legacy = new ApiDiscovery(http, { aggregated: false });
      const aggregated = new ApiDiscovery(http);
      for (const [apiVersion, kind] of [
        ["v1", "ConfigMap"],
        ["v1", "Namespace"],
        ["apps/v1", "Deployment"],
        ["networking.k8s.io/v1", "Ingress"],
        ["apiextensions.k8s.io/v1", "CustomResourceDefinition"],
      ] as const) {
        expect(await legacy.resolve(apiVersion, kind)).toEqual(await aggregated.resolve(apiVersion, kind));
      }
    } finally {
      http.close();
    }
  });
});

describe("a CRD applied in the same run", () => {
  it("resolves after waitForCrd, and objects of it can be applied", async () => {
    const group = `t${uniqueSuffix()}.zakenak.test`;
    const name = `widgets.${group}`;
    // Another client whose discovery cache predates the CRD: it must refresh on the miss.
    const other = await connectKube({ kubeconfig: cluster.kubeconfigPath });
    await other.resource("v1", "ConfigMap");
    await cluster.kube.apply(crd(group, "widgets", "Widget"));

    await cluster.kube.waitForCrd(name, 30_000);

    expect(await cluster.kube.resource(`${group}/v1`, "Widget")).toEqual({
      group,
      version: "v1",
      kind: "Widget",
      plural: "widgets",
      namespaced: true,
    });
    expect(await other.resource(`${group}/v1`, "Widget")).toMatchObject({ plural: "widgets" });
    other.close();
    const applied = await cluster.kube.apply({
      apiVersion: `${group}/v1`,
      kind: "Widget",
      metadata: { name: "w1", namespace: cluster.namespace },
      spec: { size: 3 },
    });
    expect(applied).toMatchObject({ kind: "Widget", spec: { size: 3 } });
    const listed = await cluster.kube.list(`${group}/v1`, "Widget", { namespace: cluster.namespace });
    expect(listed.map((w) => w.metadata.name)).toEqual(["w1"]);
  });

  it("fails fast on a CRD whose names clash with another", async () => {
    const group = `t${uniqueSuffix()}.zakenak.test`;
    await cluster.kube.apply(crd(group, "widgets", "Widget"));
    await cluster.kube.waitForCrd(`widgets.${group}`, 30_000);
    await cluster.kube.apply(crd(group, "gizmos", "Widget"));
    const error = await cluster.kube.waitForCrd(`gizmos.${group}`, 30_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid", reason: expect.stringMatching(/KindConflict$/) });
    expect((error as Error).message).toContain(`CustomResourceDefinition gizmos.${group} will not be served`);
  });

  it("times out on a CRD that does not exist", async () => {
    const error = await cluster.kube
      .waitForCrd(`nothings.t${uniqueSuffix()}.zakenak.test`, 300)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "cluster-unavailable" });
    expect((error as Error).message).toMatch(/did not become usable within 300 ms \(it does not exist\)/);
  });
});
