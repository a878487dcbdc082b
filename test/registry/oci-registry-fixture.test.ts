import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OciRegistry, pushImageManifest, startOciRegistry } from "../support/oci-registry.js";

const MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

describe.each(["htpasswd", "token"] as const)("the OCI registry fixture with %s auth", (scheme) => {
  let registry: OciRegistry;
  beforeAll(async () => {
    registry = await startOciRegistry({ auth: { username: "ci", password: "fixture-pass-1", scheme } });
  });
  afterAll(() => registry?.stop());

  it("refuses anonymous reads with the challenge of its scheme", async () => {
    const res = await fetch(`${registry.url}/v2/`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(scheme === "token" ? /^Bearer realm=/ : /^Basic /);
  });

  it("stores a pushed image whose manifest digest the registry reports on a HEAD", async () => {
    const { digest } = await pushImageManifest(registry, "team/app", "1.0.0");
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Each tag gets its own layer content, so tests can tell images apart by digest.
    const other = await pushImageManifest(registry, "team/app", "1.0.1");
    expect(other.digest).not.toBe(digest);
    const auth = Buffer.from("ci:fixture-pass-1").toString("base64");
    if (scheme === "htpasswd") {
      const res = await fetch(`${registry.url}/v2/team/app/manifests/1.0.0`, {
        method: "HEAD",
        headers: { Authorization: `Basic ${auth}`, Accept: MANIFEST_TYPE },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("docker-content-digest")).toBe(digest);
    } else {
      expect(
        registry.tokenServer?.requests.some((r) => r.scope.includes("repository:team/app:pull,push")),
      ).toBe(true);
    }
  });

  it("refuses a push with a wrong password", async () => {
    await expect(pushImageManifest({ ...registry, password: "wrong" }, "team/app", "2.0.0")).rejects.toThrow(
      /401/,
    );
  });
});
