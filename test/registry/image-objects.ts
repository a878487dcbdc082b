import type { KubeObject, RenderedObject } from "../../src/model/kube-object.js";

/** A Deployment in `namespace` running `images` (one container each), with optional pod spec fields. */
export function workload(
  name: string,
  images: string[],
  pod: Record<string, unknown> = {},
  namespace = "apps",
): RenderedObject {
  const object: KubeObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })), ...pod },
      },
    },
  };
  return { object, release: "app", file: `manifests/${name}.yaml`, line: 1 };
}

/** A rendered pull secret holding credentials for `hosts` (the values are placeholders, never printed). */
export function pullSecret(name: string, hosts: string[], namespace = "apps"): RenderedObject {
  const auths = Object.fromEntries(
    hosts.map((h) => [h, { auth: Buffer.from("u:placeholder").toString("base64") }]),
  );
  const object: KubeObject = {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/dockerconfigjson",
    metadata: { name, namespace },
    data: { ".dockerconfigjson": Buffer.from(JSON.stringify({ auths })).toString("base64") },
  };
  return { object, release: "app", file: `manifests/${name}.yaml`, line: 1 };
}

export function serviceAccount(name: string, pullSecrets: string[], namespace = "apps"): RenderedObject {
  const object: KubeObject = {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace },
    imagePullSecrets: pullSecrets.map((s) => ({ name: s })),
  };
  return { object, release: "app", file: `manifests/${name}-sa.yaml`, line: 1 };
}
