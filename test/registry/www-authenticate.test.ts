import { describe, expect, it } from "vitest";
import { parseChallenges } from "../../src/registry/www-authenticate.js";

describe("parseChallenges", () => {
  it("reads Docker Hub's bearer challenge", () => {
    const header =
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"';
    expect(parseChallenges(header)).toEqual([
      {
        scheme: "bearer",
        params: {
          realm: "https://auth.docker.io/token",
          service: "registry.docker.io",
          scope: "repository:library/nginx:pull",
        },
      },
    ]);
  });

  it("keeps commas and escaped quotes inside quoted values", () => {
    const [c] = parseChallenges(
      'Bearer realm="https://h/t",scope="repository:a/b:pull,push",error="say \\"no\\""',
    );
    expect(c?.params).toEqual({ realm: "https://h/t", scope: "repository:a/b:pull,push", error: 'say "no"' });
  });

  it("reads a Basic challenge and several challenges in one header", () => {
    expect(parseChallenges('Basic realm="Registry Realm"')).toEqual([
      { scheme: "basic", params: { realm: "Registry Realm" } },
    ]);
    const both = parseChallenges('Basic realm="x", Bearer realm="https://h/token", service=reg');
    expect(both.map((c) => c.scheme)).toEqual(["basic", "bearer"]);
    expect(both[1]?.params).toEqual({ realm: "https://h/token", service: "reg" });
  });

  it("gives nothing for an empty or garbled header", () => {
    expect(parseChallenges("")).toEqual([]);
    expect(parseChallenges("=== ,,")).toEqual([]);
  });
});
