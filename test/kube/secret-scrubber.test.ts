import { describe, expect, it } from "vitest";
import { secretScrubber } from "../../src/kube/secret-scrubber.js";
import type { KubeObject } from "../../src/model/kube-object.js";

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
