import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseServerConfig } from "../../src/config/load-server-config.js";
import type { KubeObject } from "../../src/model/kube-object.js";
import { tempDir } from "../support/repo-fixtures.js";
import { CHART, find, renderChart, renderError } from "./render-chart.js";

type Obj = Record<string, unknown>;
interface Container {
  name: string;
  args: string[];
  env: { name: string; value?: string; valueFrom?: Obj }[];
  envFrom?: { secretRef: { name: string } }[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  securityContext: Obj;
  resources: { requests: Obj; limits: Obj };
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  securityContext: Obj;
  serviceAccountName: string;
  containers: Container[];
  volumes: { name: string; emptyDir?: Obj; configMap?: { name: string } }[];
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const BASE = { rbac: { namespaces: ["ai"] }, redis: { external: { url: "redis://redis.example:6379" } } };

let work: ReturnType<typeof tempDir>;
beforeAll(() => {
  work = tempDir("zakenak-chart-");
});
afterAll(() => work?.cleanup());

const render = (values: Obj = {}) => renderChart(merge(BASE, values), work.dir);

function merge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    const both = [prev, v].every((x) => x !== null && typeof x === "object" && !Array.isArray(x));
    out[k] = both ? merge(prev as Obj, v as Obj) : v;
  }
  return out;
}

function pod(objects: KubeObject[], component: "serve" | "worker"): PodSpec {
  const dep = find(objects, "Deployment", `zakenak-${component}`);
  return (dep.spec as { template: { spec: PodSpec } }).template.spec;
}

function envOf(c: Container): Record<string, string | Obj | undefined> {
  return Object.fromEntries(c.env.map((e) => [e.name, e.value ?? e.valueFrom]));
}

function rulesOf(o: KubeObject): Rule[] {
  return (o as unknown as { rules: Rule[] }).rules;
}

describe("the zakenak chart", () => {
  it("runs serve and worker as separate non-root Deployments that write only to two emptyDirs", async () => {
    const objects = await render({ serve: { replicas: 3 }, worker: { replicas: 5 } });
    const replicas = (name: string) =>
      (find(objects, "Deployment", name).spec as { replicas: number }).replicas;
    expect([replicas("zakenak-serve"), replicas("zakenak-worker")]).toEqual([3, 5]);
    for (const [component, port] of [
      ["serve", "http"],
      ["worker", "metrics"],
    ] as const) {
      const spec = pod(objects, component);
      expect(spec.serviceAccountName).toBe("zakenak");
      expect(spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 10001,
        seccompProfile: { type: "RuntimeDefault" },
      });
      const [c] = spec.containers as [Container];
      expect(c.args).toEqual([component]);
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(c.livenessProbe.httpGet).toEqual({ path: "/healthz", port });
      expect(c.readinessProbe.httpGet).toEqual({ path: "/readyz", port });
      expect(Object.keys(c.resources.limits).sort()).toEqual(["cpu", "memory"]);
      expect(c.volumeMounts.map((m) => m.mountPath).sort()).toEqual(["/tmp", "/var/lib/zakenak"]);
      expect(spec.volumes.every((v) => v.emptyDir !== undefined)).toBe(true);
      expect(envOf(c)).toMatchObject({
        HOME: "/var/lib/zakenak",
        TMPDIR: "/tmp",
        ZAKENAK_CACHE_DIR: "/var/lib/zakenak/cache",
        REDIS_URL: "redis://redis.example:6379",
      });
    }
    const serve = pod(objects, "serve").containers[0] as Container;
    const worker = pod(objects, "worker").containers[0] as Container;
    expect([envOf(serve).PORT, serve.ports[0]?.containerPort]).toEqual(["3000", 3000]);
    expect([envOf(worker).ZAKENAK_METRICS_PORT, worker.ports[0]?.containerPort]).toEqual(["9464", 9464]);
    const service = find(objects, "Service", "zakenak").spec as { ports: { targetPort: string }[] };
    expect(service.ports.map((p) => p.targetPort)).toEqual(["http"]);
  });

  it("takes credentials from existing Secrets and renders none of its own", async () => {
    const objects = await render({
      redis: { external: { url: "", existingSecret: "redis-credentials", existingSecretKey: "url" } },
      secrets: { envFrom: ["github-app"], env: { GITEA_TOKEN: { secret: "gitea", key: "token" } } },
    });
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
    for (const component of ["serve", "worker"] as const) {
      const c = pod(objects, component).containers[0] as Container;
      expect(c.envFrom).toEqual([{ secretRef: { name: "github-app" } }]);
      expect(envOf(c)).toMatchObject({
        REDIS_URL: { secretKeyRef: { name: "redis-credentials", key: "url" } },
        GITEA_TOKEN: { secretKeyRef: { name: "gitea", key: "token" } },
      });
    }
  });

  it("points Zakenak at Sentinel or Redis Cluster, with TLS and the CA from a Secret", async () => {
    const objects = await render({
      redis: {
        external: {
          url: "",
          sentinels: ["sentinel-0.redis:26379", "sentinel-1.redis:26379"],
          sentinelMaster: "mymaster",
          tls: { enabled: true, servername: "redis.internal", caSecret: { name: "redis-ca", key: "ca.pem" } },
        },
      },
      secrets: { env: { REDIS_PASSWORD: { secret: "redis", key: "password" } } },
    });
    for (const component of ["serve", "worker"] as const) {
      const spec = pod(objects, component);
      const c = spec.containers[0] as Container;
      expect(envOf(c)).toMatchObject({
        REDIS_SENTINELS: "sentinel-0.redis:26379,sentinel-1.redis:26379",
        REDIS_SENTINEL_MASTER: "mymaster",
        REDIS_TLS: "true",
        REDIS_TLS_SERVERNAME: "redis.internal",
        REDIS_TLS_CA_FILE: "/etc/zakenak-redis-tls/ca.pem",
        REDIS_PASSWORD: { secretKeyRef: { name: "redis", key: "password" } },
      });
      expect(envOf(c).REDIS_URL).toBeUndefined();
      expect(c.volumeMounts).toContainEqual({
        name: "redis-tls",
        mountPath: "/etc/zakenak-redis-tls",
        readOnly: true,
      });
      expect(spec.volumes).toContainEqual({
        name: "redis-tls",
        secret: { secretName: "redis-ca", items: [{ key: "ca.pem", path: "ca.pem" }] },
      });
    }
    const cluster = await render({
      redis: { external: { url: "", clusterNodes: ["redis-0:6379", "redis-1:6379"] } },
    });
    expect(envOf(pod(cluster, "worker").containers[0] as Container)).toMatchObject({
      REDIS_CLUSTER_NODES: "redis-0:6379,redis-1:6379",
    });
    expect(
      await renderError(merge(BASE, { redis: { external: { clusterNodes: ["redis-0:6379"] } } }), work.dir),
    ).toContain("redis.external: set only one of url, existingSecret, sentinels, clusterNodes");
    expect(
      await renderError(merge(BASE, { redis: { external: { url: "", sentinels: ["s:26379"] } } }), work.dir),
    ).toContain("redis.external.sentinelMaster is required with redis.external.sentinels");
  });

  it("ships the server configuration as a ConfigMap Zakenak parses, and restarts the pods when it changes", async () => {
    const config = {
      repositories: [{ match: "acme/*", environments: { prod: { kubeContext: "in-cluster" } } }],
    };
    const objects = await render({ serverConfig: config });
    const cm = find(objects, "ConfigMap", "zakenak-server-config");
    const text = (cm.data as Record<string, string>)["server-config.yaml"] as string;
    expect(
      parseServerConfig(text, "server-config.yaml").repositories[0]?.environments.prod?.kubeContext,
    ).toBe("in-cluster");
    const spec = pod(objects, "worker");
    const c = spec.containers[0] as Container;
    expect(envOf(c).ZAKENAK_SERVER_CONFIG).toBe("/etc/zakenak/server-config.yaml");
    expect(c.volumeMounts).toContainEqual({
      name: "server-config",
      mountPath: "/etc/zakenak",
      readOnly: true,
    });
    expect(spec.volumes).toContainEqual({
      name: "server-config",
      configMap: { name: "zakenak-server-config" },
    });

    const checksum = (objs: KubeObject[]) =>
      (find(objs, "Deployment", "zakenak-serve").spec as { template: { metadata: KubeObject["metadata"] } })
        .template.metadata.annotations?.["checksum/server-config"];
    const changed = await render({ serverConfig: { repositories: [{ match: "acme/other" }] } });
    expect(checksum(changed)).not.toBe(checksum(objects));
    expect((await render()).some((o) => o.kind === "ConfigMap")).toBe(false);
  });

  it("namespaced mode: Roles in the listed namespaces and zakenak-system, nothing cluster-wide", async () => {
    const objects = await render({ rbac: { namespaces: ["ai", "web"] } });
    expect(objects.filter((o) => o.kind.startsWith("Cluster"))).toEqual([]);
    const roles = objects.filter((o) => o.kind === "Role");
    expect(roles.map((r) => `${r.metadata.namespace}/${r.metadata.name}`).sort()).toEqual([
      "ai/zakenak-deploy",
      "web/zakenak-deploy",
      "zakenak-system/zakenak-state",
    ]);
    const bindings = objects.filter((o) => o.kind === "RoleBinding");
    expect(
      bindings.map((b) => `${b.metadata.namespace}/${(b.roleRef as { name: string }).name}`).sort(),
    ).toEqual(["ai/zakenak-deploy", "web/zakenak-deploy", "zakenak-system/zakenak-state"]);
    for (const b of bindings) {
      expect(b.subjects).toEqual([{ kind: "ServiceAccount", name: "zakenak", namespace: "zakenak-system" }]);
    }
    const web = rulesOf(find(objects, "Role", "zakenak-deploy", "web"));
    // Its own Namespace object only, by name, and never deleted.
    expect(web.filter((r) => r.resources.includes("namespaces"))).toEqual([
      { apiGroups: [""], resources: ["namespaces"], resourceNames: ["web"], verbs: ["get", "patch"] },
    ]);
    for (const r of web.filter((r) => !r.resources.includes("namespaces"))) {
      expect(r.verbs).toEqual(["get", "list", "create", "patch", "delete"]);
    }
    const state = rulesOf(find(objects, "Role", "zakenak-state", "zakenak-system"));
    expect(state.map((r) => [r.resources, r.verbs])).toEqual([
      [["leases"], ["get", "create", "update", "delete"]],
      [["secrets"], ["get", "list", "create", "update", "delete"]],
      [["namespaces"], ["get"]],
    ]);
    for (const rule of [...web, ...state]) {
      for (const list of [rule.apiGroups, rule.resources, rule.verbs]) expect(list).not.toContain("*");
      expect(rule.verbs).not.toContain("escalate");
    }
  });

  it("cluster mode: one ClusterRole for namespaces, CRDs and the namespaced kinds, plus the state Role", async () => {
    const objects = await render({ rbac: { mode: "cluster", namespaces: [] } });
    expect(objects.filter((o) => o.kind === "Role").map((r) => r.metadata.name)).toEqual(["zakenak-state"]);
    const resources = rulesOf(find(objects, "ClusterRole", "zakenak")).flatMap((r) => r.resources);
    expect(resources).toEqual(
      expect.arrayContaining(["namespaces", "customresourcedefinitions", "deployments"]),
    );
    const binding = find(objects, "ClusterRoleBinding", "zakenak");
    expect(binding.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: "zakenak",
    });

    const escalating = await render({ rbac: { mode: "cluster", allowEscalation: true } });
    const rules = rulesOf(find(escalating, "ClusterRole", "zakenak"));
    expect(rules.filter((r) => r.verbs.includes("escalate"))).toEqual([
      {
        apiGroups: ["rbac.authorization.k8s.io"],
        resources: ["roles", "clusterroles"],
        verbs: ["escalate", "bind"],
      },
    ]);
  });

  it("refuses values that would install something other than what was meant", async () => {
    expect(await renderError(merge(BASE, { rbac: { mode: "everywhere" } }), work.dir)).toContain(
      "at '/rbac/mode': value must be one of 'namespaced', 'cluster'",
    );
    // A misspelt key is an error, not a setting silently left at its default.
    expect(await renderError(merge(BASE, { rbac: { namespace: ["web"] } }), work.dir)).toContain(
      "at '/rbac': additional properties 'namespace' not allowed",
    );
    expect(await renderError({ rbac: { namespaces: [] }, redis: BASE.redis }, work.dir)).toContain(
      "rbac.namespaces: list the namespaces the environments deploy to",
    );
    expect(await renderError(merge(BASE, { image: { tag: "latest" } }), work.dir)).toContain(
      'image zakenak needs a pinned tag, not "latest"',
    );
    expect(await renderError({ rbac: BASE.rbac }, work.dir)).toContain("redis.external.url");
  });

  it("lets the webhook port in and lets out only DNS, the API server, Redis and the Git hosts", async () => {
    const objects = await render();
    type Policy = { ingress?: { ports: { port: string }[] }[]; egress: { ports: { port: number }[] }[] };
    const serve = find(objects, "NetworkPolicy", "zakenak-serve").spec as Policy & { policyTypes: string[] };
    const worker = find(objects, "NetworkPolicy", "zakenak-worker").spec as Policy;
    expect(serve.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(serve.ingress?.flatMap((r) => r.ports.map((p) => p.port))).toEqual(["http"]);
    expect(worker.ingress).toBeUndefined();
    const egressPorts = (p: Policy) => p.egress.map((r) => [...new Set(r.ports.map((x) => x.port))]);
    expect(egressPorts(serve)).toEqual([[53], [443, 6443], [6379], [443]]);
    expect(egressPorts(worker)).toEqual(egressPorts(serve));

    const scraped = await render({ monitoring: { serviceMonitor: { enabled: true } } });
    const open = find(scraped, "NetworkPolicy", "zakenak-worker").spec as Policy;
    expect(open.ingress?.flatMap((r) => r.ports.map((p) => p.port))).toEqual(["metrics"]);
  });

  it("runs an in-chart Redis for a trial, reachable only from Zakenak's pods", async () => {
    const objects = await render({ redis: { external: { url: "" }, inChart: { enabled: true } } });
    const c = pod(objects, "serve").containers[0] as Container;
    expect(envOf(c).REDIS_URL).toBe("redis://zakenak-redis:6379");
    find(objects, "Service", "zakenak-redis");
    const redis = (find(objects, "Deployment", "zakenak-redis").spec as { template: { spec: PodSpec } })
      .template.spec;
    expect(redis.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(redis.containers[0]?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    const policy = find(objects, "NetworkPolicy", "zakenak-redis").spec as {
      ingress: { from: { podSelector: { matchLabels: Obj } }[] }[];
      egress?: unknown;
    };
    expect(
      policy.ingress[0]?.from.map((f) => f.podSelector.matchLabels["app.kubernetes.io/component"]),
    ).toEqual(["serve", "worker"]);
    expect(policy.egress).toBeUndefined();
    const zakenakEgress = (find(objects, "NetworkPolicy", "zakenak-worker").spec as { egress: Obj[] }).egress;
    expect(zakenakEgress[2]).toMatchObject({
      to: [{ podSelector: { matchLabels: { "app.kubernetes.io/component": "redis" } } }],
    });
  });

  it("keeps each component available through voluntary disruptions", async () => {
    const objects = await render();
    for (const component of ["serve", "worker"]) {
      const pdb = find(objects, "PodDisruptionBudget", `zakenak-${component}`).spec as {
        maxUnavailable: number;
        selector: { matchLabels: Obj };
      };
      expect(pdb.maxUnavailable).toBe(1);
      expect(pdb.selector.matchLabels["app.kubernetes.io/component"]).toBe(component);
    }
  });

  it("renders the monitoring objects only when switched on, from the chart's alert and dashboard files", async () => {
    const kinds = (objs: KubeObject[]) => objs.map((o) => o.kind);
    const off = await render();
    expect(kinds(off)).not.toContain("ServiceMonitor");
    expect(kinds(off)).not.toContain("PrometheusRule");
    expect(off.some((o) => o.metadata.labels?.grafana_dashboard !== undefined)).toBe(false);

    const on = await render({
      monitoring: {
        serviceMonitor: { enabled: true, labels: { release: "prometheus" } },
        prometheusRule: { enabled: true },
        grafanaDashboard: { enabled: true, namespace: "monitoring" },
      },
    });
    const alerts = parse(readFileSync(join(CHART, "files/alerts.yaml"), "utf8")) as Obj;
    expect(find(on, "PrometheusRule", "zakenak").spec).toEqual(alerts);
    expect((alerts.groups as unknown[]).length).toBeGreaterThan(0);
    const dashboard = find(on, "ConfigMap", "zakenak-dashboard");
    expect(dashboard.metadata.namespace).toBe("monitoring");
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe("1");
    const json = (dashboard.data as Record<string, string>)["zakenak.json"] as string;
    expect(JSON.parse(json)).toEqual(JSON.parse(readFileSync(join(CHART, "files/dashboard.json"), "utf8")));
    const monitor = find(on, "ServiceMonitor", "zakenak");
    expect(monitor.metadata.labels?.release).toBe("prometheus");
    const endpoints = (monitor.spec as { endpoints: { port: string; path: string }[] }).endpoints;
    expect(endpoints.map((e) => `${e.port}${e.path}`)).toEqual(["http/metrics", "metrics/metrics"]);
    // Both Services the ServiceMonitor selects carry the port it names.
    const selected = on.filter(
      (o) => o.kind === "Service" && o.metadata.labels?.["zakenak.io/metrics"] === "true",
    );
    const ports = selected.flatMap((s) => (s.spec as { ports: { name: string }[] }).ports.map((p) => p.name));
    expect(ports.sort()).toEqual(["http", "metrics"]);
  });
});
