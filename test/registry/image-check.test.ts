import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkImages } from "../../src/image-check/check-images.js";
import type { RenderedObject } from "../../src/model/kube-object.js";
import { createImageResolver } from "../../src/registry/image-resolver.js";
import type { RegistryAccess } from "../../src/registry/registry-access.js";
import { type OciRegistry, pushImageManifest, startOciRegistry } from "../support/oci-registry.js";
import { pullSecret, serviceAccount, workload } from "./image-objects.js";

const PASSWORD = "image-check-pass-1";

function check(objects: RenderedObject[], registries: RegistryAccess[], timeoutMs = 5_000) {
  const resolver = createImageResolver({ registries, timeoutMs, concurrency: 4 });
  return checkImages(objects, "dev", resolver, {});
}

describe.each(["htpasswd", "token"] as const)(
  "image checks against a real registry with %s auth",
  (scheme) => {
    let registry: OciRegistry;
    let digest: string;
    let image: string;
    const access = (password = PASSWORD): RegistryAccess[] => [
      { host: registry.host, username: "ci", password, plainHttp: true },
    ];

    beforeAll(async () => {
      registry = await startOciRegistry({ auth: { username: "ci", password: PASSWORD, scheme } });
      ({ digest } = await pushImageManifest(registry, "team/app", "1.0.0"));
      image = `${registry.host}/team/app:1.0.0`;
    });
    afterAll(() => registry?.stop());

    it("passes a pushed image, recording the digest the registry gives", async () => {
      const result = await check(
        [workload("web", [image], { imagePullSecrets: [{ name: "regcred" }] })],
        access(),
      );
      expect(result.findings).toEqual([]);
      expect(result.images).toEqual([
        { image, registry: registry.host, repository: "team/app", digest, status: "found" },
      ]);
    });

    it("finds an image pinned by its digest, and fails an unknown digest", async () => {
      const pinned = `${registry.host}/team/app@${digest}`;
      const unknown = `${registry.host}/team/app@sha256:${"0".repeat(64)}`;
      const secrets = { imagePullSecrets: [{ name: "regcred" }] };
      const result = await check([workload("web", [pinned, unknown], secrets)], access());
      expect(result.images.find((i) => i.image === pinned)).toMatchObject({ digest, status: "found" });
      expect(result.findings).toEqual([
        expect.objectContaining({ rule: "image-missing", severity: "error", object: "Deployment/apps/web" }),
      ]);
      expect(result.findings[0]?.message).toContain(unknown);
    });

    it("fails a tag that does not exist with an error naming the image and the object", async () => {
      const missing = `${registry.host}/team/app:9.9.9`;
      const result = await check(
        [workload("web", [missing], { imagePullSecrets: [{ name: "regcred" }] })],
        access(),
      );
      expect(result.findings).toEqual([
        {
          rule: "image-missing",
          severity: "error",
          file: "manifests/web.yaml",
          line: 1,
          object: "Deployment/apps/web",
          message: `container "c0" image ${missing}: tag 9.9.9 not found in ${registry.host}/team/app`,
        },
      ]);
      expect(result.images[0]).toMatchObject({ image: missing, digest: null, status: "missing" });
    });

    it("gives a clear error naming the registry and the user for wrong credentials, never the password", async () => {
      const result = await check([workload("web", [image])], access("not-the-password"));
      expect(result.findings).toHaveLength(1);
      const [f] = result.findings;
      expect(f).toMatchObject({
        rule: "image-registry-auth",
        severity: "error",
        object: "Deployment/apps/web",
      });
      expect(f?.message).toContain(registry.host);
      expect(f?.message).toContain('user "ci"');
      expect(f?.message).not.toContain("not-the-password");
      expect(result.images[0]?.status).toBe("refused");
    });

    it("warns that an image is not checked when the registry needs credentials none are configured for", async () => {
      const result = await check([workload("web", [image])], [{ host: registry.host, plainHttp: true }]);
      expect(result.findings).toEqual([
        expect.objectContaining({ rule: "image-registry-credentials", severity: "warning" }),
      ]);
      expect(result.findings[0]?.message).toContain(`configure credentials for ${registry.host}`);
    });

    it("warns about a private image whose pod has no pull secret, and not once it has one", async () => {
      const bare = await check([workload("web", [image])], access());
      expect(bare.findings).toEqual([
        expect.objectContaining({
          rule: "image-pull-secret",
          severity: "warning",
          object: "Deployment/apps/web",
        }),
      ]);
      expect(bare.findings[0]?.message).toContain(
        "neither the pod nor its ServiceAccount default (not in this plan)",
      );

      const onPod = await check(
        [workload("web", [image], { imagePullSecrets: [{ name: "regcred" }] })],
        access(),
      );
      expect(onPod.findings).toEqual([]);

      const onAccount = await check(
        [workload("web", [image], { serviceAccountName: "puller" }), serviceAccount("puller", ["regcred"])],
        access(),
      );
      expect(onAccount.findings).toEqual([]);
    });

    it("warns when the pod's rendered pull secrets hold credentials for other registries only", async () => {
      const objects = [
        workload("web", [image], { imagePullSecrets: [{ name: "elsewhere" }] }),
        pullSecret("elsewhere", ["ghcr.io"]),
      ];
      const wrong = await check(objects, access());
      expect(wrong.findings).toEqual([expect.objectContaining({ rule: "image-pull-secret" })]);
      expect(wrong.findings[0]?.message).toContain(`(elsewhere) hold no credentials for ${registry.host}`);
      const right = await check(
        [
          workload("web", [image], { imagePullSecrets: [{ name: "regcred" }] }),
          pullSecret("regcred", [registry.host]),
        ],
        access(),
      );
      expect(right.findings).toEqual([]);
    });

    it("looks each image up once per plan, however many containers and environments use it", async () => {
      const resolver = createImageResolver({ registries: access(), timeoutMs: 5_000, concurrency: 4 });
      const objects = [
        workload("a", [image, image]),
        workload("b", [image], { imagePullSecrets: [{ name: "r" }] }),
      ];
      const before = registry.tokenServer?.requests.length ?? 0;
      const [dev, prod] = await Promise.all([
        checkImages(objects, "dev", resolver, {}),
        checkImages(objects, "prod", resolver, {}),
      ]);
      expect(dev.images).toEqual(prod.images);
      // One pull-secret finding for Deployment a (its two containers are one finding), none for b.
      expect(dev.findings.map((f) => `${f.rule} ${f.object}`)).toEqual([
        "image-pull-secret Deployment/apps/a",
      ]);
      if (scheme === "token") {
        // The anonymous try (refused) and the one with credentials: two token requests for the whole plan.
        expect((registry.tokenServer?.requests.length ?? 0) - before).toBe(2);
      }
    });
  },
);
