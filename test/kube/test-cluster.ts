import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import { type ControlPlane, startControlPlane } from "../../src/control-plane/start-control-plane.js";
import { type ConnectedKubeClient, connectKube } from "../../src/kube/connect-kube.js";

export interface TestCluster {
  kubeconfigPath: string;
  kube: ConnectedKubeClient;
  /** A namespace of this test file's own, already created. */
  namespace: string;
}

/** A short random suffix for names that must not collide across test files sharing one cluster. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString("hex");
}

/**
 * The shared control plane from the global setup when it ran, else one of this file's own; plus a
 * client and a fresh namespace. Call at the top of a test file; read the fields inside tests.
 */
export function useTestCluster(): TestCluster {
  const cluster = {} as TestCluster;
  let own: ControlPlane | undefined;

  beforeAll(async () => {
    const provided = inject("kubeconfigPath") || process.env.ZAKENAK_TEST_KUBECONFIG;
    if (provided) {
      cluster.kubeconfigPath = provided;
    } else {
      own = await startControlPlane();
      cluster.kubeconfigPath = own.kubeconfigPath;
    }
    cluster.kube = await connectKube({ kubeconfig: cluster.kubeconfigPath });
    cluster.namespace = `zk-kube-${uniqueSuffix()}`;
    await cluster.kube.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: cluster.namespace } });
  }, 180_000);

  afterAll(async () => {
    cluster.kube?.close();
    await own?.stop();
  }, 30_000);

  return cluster;
}
