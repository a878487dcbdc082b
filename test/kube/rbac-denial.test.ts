import { describe, expect, it } from "vitest";
import { kubeErrorFromResponse } from "../../src/kube/kube-error-from-response.js";

const req = {
  action: "apply",
  target: "Deployment outside/web",
  server: "https://k",
  scrub: (t: string) => t,
};

function forbidden(message: string) {
  return kubeErrorFromResponse(403, { kind: "Status", reason: "Forbidden", message }, req);
}

describe("a 403 from the RBAC authorizer", () => {
  it("names the ServiceAccount, the verb, the resource with its group, and the namespace", () => {
    const error = forbidden(
      'deployments.apps "web" is forbidden: User "system:serviceaccount:zakenak-system:zakenak" cannot ' +
        'patch resource "deployments" in API group "apps" in the namespace "outside"',
    );
    expect(error).toMatchObject({ code: "forbidden", status: 403, retryable: false });
    expect(error.message).toBe(
      "apply Deployment outside/web: forbidden: ServiceAccount zakenak-system/zakenak lacks the RBAC " +
        "permission to patch deployments.apps in namespace outside (refused by the API server at https://k)",
    );
  });

  it("says cluster scope for a cluster-wide request, and names a plain user as such", () => {
    const error = forbidden(
      'namespaces is forbidden: User "alice" cannot list resource "namespaces" in API group "" at the cluster scope',
    );
    expect(error.message).toBe(
      'apply Deployment outside/web: forbidden: user "alice" lacks the RBAC permission to list namespaces ' +
        "at cluster scope (refused by the API server at https://k)",
    );
  });

  it("leaves an admission plugin's refusal in the server's words", () => {
    const message = 'pods "p" is forbidden: violates PodSecurity "restricted:latest": privileged';
    expect(forbidden(message).message).toBe(`apply Deployment outside/web: ${message}`);
  });
});
