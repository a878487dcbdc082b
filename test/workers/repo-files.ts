import type { KubeClient } from "../../src/kube/kube-client.js";
import { waitFor } from "../support/cluster-kit.js";

/** `.zakenak.yaml` with a dev environment on `develop`, a prod one on tags `v*`, and one release. */
export function zakenakYaml(dev: string, prod: string): string {
  return [
    "environments:",
    `  - name: ${dev}`,
    "    branch: develop",
    `  - name: ${prod}`,
    '    tag: "v*"',
    "releases:",
    "  - name: app",
    "    manifests: manifests/app",
    "policy:",
    "  rollback: write",
    "  unlock: maintain",
    "",
  ].join("\n");
}

export function configMapYaml(namespace: string, name: string, data: Record<string, string>): string {
  const lines = Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`);
  return [
    "apiVersion: v1",
    "kind: Namespace",
    "metadata:",
    `  name: ${namespace}`,
    "---",
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    "data:",
    ...lines,
    "",
  ].join("\n");
}

/** A namespace, optionally a ConfigMap `settings`, and a Deployment `web` (health waiting is observable). */
export function webManifests(ns: string, image: string, color?: string): string {
  const configMap =
    color === undefined
      ? ""
      : `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
data:
  color: ${color}
`;
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
${configMap}---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ${image}
          resources:
            limits: { cpu: 100m, memory: 64Mi }
`;
}

/**
 * The live Deployment `web` once an apply has written `image` into it, so its generation is the one a
 * status written by the test (playing the Deployment controller) must report.
 */
export function deploymentWithImage(client: KubeClient, ns: string, image: string) {
  return waitFor(`the Deployment to run ${image}`, async () => {
    const dep = await client.get({ apiVersion: "apps/v1", kind: "Deployment", namespace: ns, name: "web" });
    const spec = dep?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined;
    return spec?.template.spec.containers[0]?.image === image ? dep : undefined;
  });
}
