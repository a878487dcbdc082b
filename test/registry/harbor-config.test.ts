import { describe, expect, it } from "vitest";
import { parseServerConfig } from "../../src/config/load-server-config.js";
import { registryAccessOf } from "../../src/registry/load-registry-access.js";

describe("a registry configured as Harbor", () => {
  it("reads the API URL and the per-environment policy, in Harbor's severity names", async () => {
    const config = parseServerConfig(
      `registries:
  - host: harbor.example.com
    username: robot$prod+zakenak
    passwordEnv: HARBOR_ROBOT_SECRET
    harbor:
      policy:
        prod: { maxSeverity: high, requireSignature: true }
        "*": { maxSeverity: critical }
`,
      "server.yaml",
    );
    const [access] = await registryAccessOf(
      config.registries,
      { HARBOR_ROBOT_SECRET: "s3cret-value" },
      "server.yaml",
    );
    expect(access).toEqual({
      host: "harbor.example.com",
      username: "robot$prod+zakenak",
      password: "s3cret-value",
      harbor: {
        url: "https://harbor.example.com",
        policy: { prod: { maxSeverity: "High", requireSignature: true }, "*": { maxSeverity: "Critical" } },
      },
    });
  });

  it("takes an explicit API URL, and plain HTTP for a local Harbor", async () => {
    const config = parseServerConfig(
      `registries:
  - host: "127.0.0.1:8080"
    plainHttp: true
    harbor: {}
  - host: registry.example.com
    harbor: { url: "https://harbor-api.example.com/" }
`,
      "server.yaml",
    );
    const access = await registryAccessOf(config.registries, {}, "server.yaml");
    expect(access.map((a) => a.harbor?.url)).toEqual([
      "http://127.0.0.1:8080",
      "https://harbor-api.example.com/",
    ]);
  });

  it("refuses an unknown severity or key, naming the file, line and key path", () => {
    const bad = (policy: string) =>
      parseServerConfig(
        `registries:\n  - host: h.example.com\n    harbor:\n      policy:\n        ${policy}\n`,
        "server.yaml",
      );
    expect(() => bad("prod: { maxSeverity: severe }")).toThrow(
      "server.yaml:5: registries[0].harbor.policy.prod.maxSeverity: expected one of",
    );
    expect(() => bad("prod: { requireSignatures: true }")).toThrow(/requireSignatures/);
    expect(() => bad("Prod: {}")).toThrow("server.yaml:5: registries[0].harbor.policy.Prod");
  });
});
