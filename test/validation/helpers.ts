import type { Finding } from "../../src/model/finding.js";
import type { KubeObject, RenderedObject } from "../../src/model/kube-object.js";
import { validateObjects } from "../../src/validation/validate-objects.js";

export function rendered(
  object: KubeObject,
  file = "apps/web/deployment.yaml",
  release = "web",
): RenderedObject {
  return { object, release, file, line: 1 };
}

/** Findings of one rule for the given objects (all rules run, as in production). */
export function findingsOf(rule: string, ...objects: KubeObject[]): Finding[] {
  return validateObjects(objects.map((o) => rendered(o))).filter((f) => f.rule === rule);
}

export interface PodOptions {
  container?: Record<string, unknown>;
  spec?: Record<string, unknown>;
}

/** A clean container: pinned image, CPU and memory limits. */
export function container(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "app",
    image: "ghcr.io/acme/web:1.4.2",
    resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
    ...extra,
  };
}

/** A valid, policy-clean Deployment; `pod` options tweak its pod template. */
export function deployment(pod: PodOptions = {}, name = "web"): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "prod", labels: { "app.kubernetes.io/name": name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [container(pod.container)], ...pod.spec },
      },
    },
  };
}

export function service(name = "web"): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "prod" },
    spec: {
      type: "ClusterIP",
      selector: { app: name },
      ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
    },
  };
}

export function configMap(name = "web-config", namespace: string | null = "prod"): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: namespace === null ? { name } : { name, namespace },
    data: { "app.properties": "a=b\n", LOG_LEVEL: "info" },
  };
}

export function ingress(): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: "web",
      namespace: "prod",
      annotations: { "nginx.ingress.kubernetes.io/rewrite-target": "/" },
    },
    spec: {
      ingressClassName: "nginx",
      tls: [{ hosts: ["web.example.com"], secretName: "web-tls" }],
      rules: [
        {
          host: "web.example.com",
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  };
}
