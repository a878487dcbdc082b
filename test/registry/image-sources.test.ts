import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botImageLookups, imageLookups } from "../../src/cli/image-lookups.js";
import { parseServerConfig } from "../../src/config/load-server-config.js";
import { checkImages } from "../../src/image-check/check-images.js";
import { createImageResolver, type ImageResolverOptions } from "../../src/registry/image-resolver.js";
import { type OciRegistry, pushImageManifest, startOciRegistry } from "../support/oci-registry.js";
import { type BlackHole, blackHole } from "./black-hole.js";
import { workload } from "./image-objects.js";

const ENV = { ZAKENAK_IMAGE_CHECK_TIMEOUT_SECONDS: "1" };

function check(options: ImageResolverOptions | undefined, images: string[]) {
  if (!options) throw new Error("image checks are off");
  return checkImages([workload("web", images)], "dev", createImageResolver(options), {});
}

describe("the bot's image sources", () => {
  let registry: OciRegistry;
  let digest: string;
  let elsewhere: BlackHole;

  beforeAll(async () => {
    [registry, elsewhere] = await Promise.all([startOciRegistry(), blackHole()]);
    ({ digest } = await pushImageManifest(registry, "team/app", "1.0.0"));
  });
  afterAll(async () => {
    await registry?.stop();
    await elsewhere?.close();
  });

  it("looks up images on the hosts the operator listed, and never contacts another a change names", async () => {
    const server = parseServerConfig(
      `imageSources: ["ghcr.io", "*.example.com"]\nregistries:\n  - host: "${registry.host}"\n    plainHttp: true\n`,
      "server.yaml",
    );
    const options = await botImageLookups(ENV, server);
    expect(options?.allowedHosts).toEqual(["ghcr.io", "*.example.com", registry.host]);
    const listed = `${registry.host}/team/app:1.0.0`;
    const picked = `${elsewhere.host}/team/app:1.0.0`;
    const result = await check(options, [listed, picked]);
    const byImage = (image: string) => result.images.find((i) => i.image === image);
    expect(result.images).toHaveLength(2);
    expect(byImage(picked)).toEqual({
      image: picked,
      registry: elsewhere.host,
      repository: "team/app",
      digest: null,
      status: "not-allowed",
    });
    expect(byImage(listed)).toEqual({
      image: listed,
      registry: registry.host,
      repository: "team/app",
      digest,
      status: "found",
    });
    // Nothing to report about an image that was not asked about, and nothing sent to its host.
    expect(result.findings).toEqual([]);
    expect(elsewhere.connections()).toBe(0);
  });

  it("matches imageSources as host globs, and allows no host when the operator lists none", async () => {
    const picked = `${elsewhere.host}/team/app:1.0.0`;
    const globbed = await botImageLookups(
      ENV,
      parseServerConfig('imageSources: ["127.0.0.1:*"]\n', "s.yaml"),
    );
    const reached = await check(globbed, [picked]);
    // Allowed, so it is tried: this listener never answers, which the check reports as unreachable.
    expect(reached.images[0]?.status).toBe("unreachable");
    expect(elsewhere.connections()).toBeGreaterThan(0);

    const before = elsewhere.connections();
    const none = await botImageLookups(ENV, parseServerConfig("repositories: []\n", "s.yaml"));
    expect(none?.allowedHosts).toEqual([]);
    expect((await check(none, [picked, "nginx:1.27"])).images.map((i) => i.status)).toEqual([
      "not-allowed",
      "not-allowed",
    ]);
    expect(elsewhere.connections()).toBe(before);
  });

  it("leaves the CLI free to look up whatever its user plans", async () => {
    expect((await imageLookups(ENV))?.allowedHosts).toBeUndefined();
  });
});
