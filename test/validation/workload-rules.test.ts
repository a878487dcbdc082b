import { describe, expect, it } from "vitest";
import { container, deployment, findingsOf } from "./helpers.js";

const ref = "Deployment/prod/web";

describe("privileged-container", () => {
  it("flags privileged containers, init and ephemeral containers included", () => {
    const d = deployment({
      container: { securityContext: { privileged: true } },
      spec: { initContainers: [container({ name: "init", securityContext: { privileged: true } })] },
    });
    const findings = findingsOf("privileged-container", d);
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatchObject({ rule: "privileged-container", severity: "error", object: ref });
    expect(findings[0]?.message).toContain('container "app" runs privileged');
    expect(findings[0]?.message).toContain("spec.template.spec.containers[0].securityContext.privileged");
    expect(findings[1]?.message).toContain('init container "init" runs privileged');
  });

  it("passes unprivileged containers", () => {
    expect(
      findingsOf(
        "privileged-container",
        deployment({ container: { securityContext: { privileged: false } } }),
      ),
    ).toEqual([]);
  });

  it("finds pod specs in Pods and CronJobs", () => {
    const spec = { containers: [container({ securityContext: { privileged: true } })] };
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "a" }, spec };
    const cron = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "c", namespace: "a" },
      spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { spec } } } },
    };
    expect(findingsOf("privileged-container", pod, cron).map((f) => f.object)).toEqual([
      "Pod/a/p",
      "CronJob/a/c",
    ]);
  });
});

describe("host-path-volume", () => {
  it("flags hostPath volumes", () => {
    const d = deployment({
      spec: { volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }] },
    });
    const [f, ...rest] = findingsOf("host-path-volume", d);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ rule: "host-path-volume", severity: "error", object: ref });
    expect(f?.message).toContain('volume "docker" mounts hostPath /var/run/docker.sock');
  });

  it("passes other volume types", () => {
    expect(
      findingsOf("host-path-volume", deployment({ spec: { volumes: [{ name: "tmp", emptyDir: {} }] } })),
    ).toEqual([]);
  });
});

describe("image-latest-tag", () => {
  it.each([
    ["nginx", "has no tag"],
    ["nginx:latest", "uses the latest tag"],
    ["registry.local:5000/team/app", "has no tag"],
  ])("flags %s", (image, why) => {
    const [f, ...rest] = findingsOf("image-latest-tag", deployment({ container: { image } }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ rule: "image-latest-tag", severity: "warning", object: ref });
    expect(f?.message).toContain(`container "app" image ${image} ${why}`);
  });

  it.each([
    "nginx:1.27.1",
    "registry.local:5000/team/app:2.0",
    "nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000",
  ])("passes %s", (image) => {
    expect(findingsOf("image-latest-tag", deployment({ container: { image } }))).toEqual([]);
  });
});

describe("missing-resource-limits", () => {
  it("flags containers without cpu or memory limits", () => {
    const d = deployment({ container: { resources: { limits: { cpu: "1" } } } });
    const [f, ...rest] = findingsOf("missing-resource-limits", d);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ rule: "missing-resource-limits", severity: "warning", object: ref });
    expect(f?.message).toContain('container "app" has no memory limit');
    const none = deployment({ container: { resources: undefined } });
    expect(findingsOf("missing-resource-limits", none)[0]?.message).toContain("has no cpu or memory limit");
  });

  it("passes containers with both limits", () => {
    expect(findingsOf("missing-resource-limits", deployment())).toEqual([]);
  });
});

describe("gpu-limits", () => {
  it("flags a GPU request without an equal limit", () => {
    const noLimit = deployment({ container: { resources: { requests: { "nvidia.com/gpu": 1 } } } });
    const [f] = findingsOf("gpu-limits", noLimit);
    expect(f).toMatchObject({ rule: "gpu-limits", severity: "error", object: ref });
    expect(f?.message).toContain('container "app" requests nvidia.com/gpu 1 without a limit');
    const unequal = deployment({
      container: { resources: { requests: { "nvidia.com/gpu": 2 }, limits: { "nvidia.com/gpu": 1 } } },
    });
    expect(findingsOf("gpu-limits", unequal)[0]?.message).toContain(
      "requests nvidia.com/gpu 2 but limits it to 1",
    );
  });

  it("passes equal requests and limits, or a limit alone", () => {
    const equal = deployment({
      container: { resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": 1 } } },
    });
    const limitOnly = deployment({ container: { resources: { limits: { "nvidia.com/gpu": 1 } } } });
    expect(findingsOf("gpu-limits", equal, limitOnly)).toEqual([]);
  });
});

describe("gpu-scheduling", () => {
  const gpu = { resources: { limits: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": 1 } } };

  it("warns about GPU pods without a toleration or node selection", () => {
    const findings = findingsOf("gpu-scheduling", deployment({ container: gpu }));
    expect(findings.map((f) => [f.rule, f.severity, f.object])).toEqual([
      ["gpu-scheduling", "warning", ref],
      ["gpu-scheduling", "warning", ref],
    ]);
    expect(findings[0]?.message).toContain("no toleration for nvidia.com/gpu");
    expect(findings[1]?.message).toContain("no nodeSelector or node affinity");
  });

  it("passes GPU pods with a toleration and a nodeSelector, and pods without GPUs", () => {
    const ok = deployment({
      container: gpu,
      spec: {
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        nodeSelector: { "nvidia.com/gpu.present": "true" },
      },
    });
    expect(findingsOf("gpu-scheduling", ok, deployment())).toEqual([]);
  });
});
