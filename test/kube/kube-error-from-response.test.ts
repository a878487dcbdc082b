import { describe, expect, it } from "vitest";
import { kubeErrorFromResponse } from "../../src/kube/kube-error-from-response.js";

describe("kubeErrorFromResponse", () => {
  const describeReq = {
    action: "apply",
    target: "Deployment ai/ollama",
    server: "https://k",
    scrub: (t: string) => t,
  };

  it("classifies server overload and failures as retryable cluster-unavailable", () => {
    for (const status of [429, 500, 502, 503, 504]) {
      expect(kubeErrorFromResponse(status, "busy", describeReq)).toMatchObject({
        code: "cluster-unavailable",
        status,
        retryable: true,
      });
    }
  });

  it("lists every conflicting field of an apply", () => {
    const body = {
      kind: "Status",
      reason: "Conflict",
      message: "Apply failed with 2 conflicts",
      details: {
        causes: [
          {
            reason: "FieldManagerConflict",
            message: 'conflict with "kubectl-edit" using apps/v1',
            field: ".spec.replicas",
          },
          {
            reason: "FieldManagerConflict",
            message: 'conflict with "helm" using apps/v1',
            field: ".metadata.labels.app",
          },
        ],
      },
    };
    const error = kubeErrorFromResponse(409, body, { ...describeReq, apply: true });
    expect(error.code).toBe("apply-conflict");
    expect(error.message).toBe(
      'field-manager conflict on Deployment ai/ollama: .spec.replicas is owned by "kubectl-edit", ' +
        '.metadata.labels.app is owned by "helm"; set forceConflicts: true on the environment to take it over',
    );
  });
});
