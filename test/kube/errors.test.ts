import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { connectKube } from "../../src/kube/connect-kube.js";
import { KubeApiError } from "../../src/kube/kube-api-error.js";
import { closedPort, writeKubeconfigVariant } from "./kubeconfig-variant.js";
import { uniqueSuffix, useTestCluster } from "./test-cluster.js";

const cluster = useTestCluster();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "zakenak-kube-errors-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("rejected objects", () => {
  it("reports an invalid object as `invalid`, naming it and the field", async () => {
    const name = `bad-${uniqueSuffix()}`;
    const error = await cluster.kube
      .apply({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: cluster.namespace },
        spec: { template: { spec: { containers: [{ name: "app", image: "app:1" }] } } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ code: "invalid", status: 422, reason: "Invalid", retryable: false });
    expect((error as Error).message).toContain(`apply Deployment ${cluster.namespace}/${name}:`);
    expect((error as Error).message).toContain("spec.selector: Required value");
    expect((error as KubeApiError).causes).toContainEqual(
      expect.objectContaining({ field: "spec.selector", reason: "FieldValueRequired" }),
    );
  });

  it("refuses to apply an object without a name", async () => {
    await expect(
      cluster.kube.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: cluster.namespace } }),
    ).rejects.toMatchObject({ code: "invalid", message: "apply ConfigMap: metadata.name is required" });
  });

  it("reports a missing namespace as `not-found`", async () => {
    const ns = `missing-${uniqueSuffix()}`;
    const error = await cluster.kube
      .apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: ns } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "not-found", status: 404, reason: "NotFound" });
    expect((error as Error).message).toContain(`namespaces "${ns}" not found`);
  });

  it("keeps Secret values out of the message when the server echoes them", async () => {
    const policy = `zk-echo-${uniqueSuffix()}`;
    // An admission policy that quotes the value it rejects, as webhooks and policies can.
    await cluster.kube.apply({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { name: policy },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: [""],
              apiVersions: ["v1"],
              operations: ["CREATE", "UPDATE"],
              resources: ["secrets", "configmaps"],
            },
          ],
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": cluster.namespace } },
        },
        validations: [
          {
            expression: "!has(object.data) || !('password' in object.data)",
            messageExpression: "'weak password: ' + string(object.data.password)",
            reason: "Invalid",
          },
        ],
      },
    });
    await cluster.kube.apply({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { name: policy },
      spec: { policyName: policy, validationActions: ["Deny"] },
    });
    const cm = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "echo", namespace: cluster.namespace },
      data: { password: "not-a-secret" },
    };
    // The policy takes effect once the API server's informer sees it: poll until a ConfigMap (not
    // scrubbed) shows the server really echoes values.
    await vi.waitFor(
      async () => {
        const probe = await cluster.kube.apply(cm, { dryRun: true }).catch((e: unknown) => e);
        expect((probe as Error).message).toContain("weak password: not-a-secret");
      },
      { timeout: 20_000, interval: 50 },
    );

    const value = `hunter2-${uniqueSuffix()}`;
    const encoded = Buffer.from(value).toString("base64");
    for (const secret of [{ stringData: { password: value } }, { data: { password: encoded } }]) {
      const error = await cluster.kube
        .apply({
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "db", namespace: cluster.namespace },
          ...secret,
        })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "invalid", status: 422 });
      const everything = JSON.stringify({
        message: (error as Error).message,
        causes: (error as KubeApiError).causes,
        stack: (error as Error).stack,
      });
      expect(everything).toContain("weak password: ***");
      expect(everything).not.toContain(value);
      expect(everything).not.toContain(encoded);
    }
    await cluster.kube.delete({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      name: policy,
    });
    await cluster.kube.delete({
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      name: policy,
    });
  });
});

describe("connection and credentials", () => {
  it("reports an unreachable server as retryable `cluster-unavailable`", async () => {
    const port = await closedPort();
    const kubeconfig = await writeKubeconfigVariant(cluster.kubeconfigPath, dir, "closed", (config) => {
      for (const c of config.clusters) c.cluster.server = `https://127.0.0.1:${port}`;
    });
    const kube = await connectKube({ kubeconfig });
    for (const call of [
      () => kube.resource("v1", "ConfigMap"),
      () => kube.list("v1", "Namespace"),
      () => kube.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubeApiError);
      expect(error).toMatchObject({ code: "cluster-unavailable", retryable: true, status: undefined });
      expect((error as Error).message).toContain(`cannot reach the API server at https://127.0.0.1:${port}`);
      expect((error as Error).message).toContain("ECONNREFUSED");
    }
  });

  it("reports a rejected token as `unauthorized`", async () => {
    const kubeconfig = await writeKubeconfigVariant(cluster.kubeconfigPath, dir, "bad-token", (config) => {
      for (const u of config.users) u.user.token = "not-a-valid-token";
    });
    const kube = await connectKube({ kubeconfig });
    const error = await kube.resource("v1", "ConfigMap").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "unauthorized", status: 401, retryable: false });
    expect((error as Error).message).toContain("did not accept the kubeconfig's credentials");
  });

  it("reports a request RBAC denies as `forbidden`", async () => {
    const kubeconfig = await writeKubeconfigVariant(cluster.kubeconfigPath, dir, "nobody", (config) => {
      // The admin may impersonate; the impersonated user has no permissions at all.
      for (const u of config.users) u.user.as = "nobody";
    });
    const kube = await connectKube({ kubeconfig });
    const error = await kube.list("v1", "Secret", { namespace: cluster.namespace }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "forbidden", status: 403, reason: "Forbidden", retryable: false });
    expect((error as Error).message).toBe(
      `list Secret in ${cluster.namespace}: forbidden: user "nobody" lacks the RBAC permission to list ` +
        `secrets in namespace ${cluster.namespace} (refused by the API server at ${kube.server})`,
    );
  });
});
