import { describe, expect, it } from "vitest";
import { kubeErrorFromResponse } from "../../src/kube/kube-error-from-response.js";
import { secretScrubber } from "../../src/kube/secret-scrubber.js";
import type { KubeObject } from "../../src/planning/types.js";

const secret = (fields: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "db", namespace: "ai" },
  ...fields,
});

describe("secretScrubber", () => {
  it("masks data values in their base64 and decoded forms", () => {
    const encoded = Buffer.from("s3cr3t-pass").toString("base64");
    const scrub = secretScrubber(secret({ data: { password: encoded } }));
    expect(scrub(`value "s3cr3t-pass" (${encoded}) rejected`)).toBe(`value "***" (***) rejected`);
  });

  it("masks stringData values in their plain and base64 forms", () => {
    const scrub = secretScrubber(secret({ stringData: { token: "abc-123" } }));
    expect(scrub(`got abc-123 / ${Buffer.from("abc-123").toString("base64")}`)).toBe("got *** / ***");
  });

  it("masks a multi-line value as the server quotes it", () => {
    const pem = "-----BEGIN KEY-----\nMIIB\n-----END KEY-----";
    const scrub = secretScrubber(secret({ stringData: { "tls.key": pem } }));
    expect(scrub(`Invalid value: "${JSON.stringify(pem).slice(1, -1)}"`)).toBe('Invalid value: "***"');
  });

  it("masks a value that contains another value whole", () => {
    const scrub = secretScrubber(secret({ stringData: { a: "pass", b: "password123" } }));
    expect(scrub("password123 and pass")).toBe("*** and ***");
  });

  it("leaves other kinds alone", () => {
    const cm: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "b" } };
    expect(secretScrubber(cm)("a b")).toBe("a b");
  });
});

describe("kubeErrorFromResponse", () => {
  const describeReq = { action: "apply", target: "Deployment ai/ollama", server: "https://k", scrub: (t: string) => t };

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
          { reason: "FieldManagerConflict", message: 'conflict with "kubectl-edit" using apps/v1', field: ".spec.replicas" },
          { reason: "FieldManagerConflict", message: 'conflict with "helm" using apps/v1', field: ".metadata.labels.app" },
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
