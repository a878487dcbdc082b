import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkImages } from "../../src/image-check/check-images.js";
import { createImageResolver } from "../../src/registry/image-resolver.js";
import { loadRegistryAccess } from "../../src/registry/load-registry-access.js";
import type { RegistryAccess } from "../../src/registry/registry-access.js";
import { type OciRegistry, startOciRegistry } from "../support/oci-registry.js";
import { tempDir } from "../support/repo-fixtures.js";
import { workload } from "./image-objects.js";

function check(image: string, registries: RegistryAccess[]) {
  const resolver = createImageResolver({ registries, timeoutMs: 5_000, concurrency: 2 });
  return checkImages([workload("web", [image])], "dev", resolver, {});
}

describe("image checks against a registry whose certificate a private CA signed", () => {
  let registry: OciRegistry;
  let scratch: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    registry = await startOciRegistry({ tls: true });
    scratch = tempDir("zakenak-registry-tls-");
  });
  afterAll(async () => {
    scratch?.cleanup();
    await registry?.stop();
  });

  it("trusts the CA file the registry entry names, and the registry answers", async () => {
    const file = join(scratch.dir, "registries.yaml");
    writeFileSync(file, `registries:\n  - host: "${registry.host}"\n    caFile: ${registry.caFile}\n`);
    const registries = await loadRegistryAccess({ ZAKENAK_REGISTRY_CONFIG: file });
    expect(registries[0]?.ca).toBe(readFileSync(registry.caFile as string, "utf8"));
    const result = await check(`${registry.host}/team/app:1.0.0`, registries);
    // The registry was reached over HTTPS and said the tag is not there.
    expect(result.findings).toEqual([expect.objectContaining({ rule: "image-missing", severity: "error" })]);
  });

  it("refuses the certificate without the CA: the registry counts as unreachable, naming why", async () => {
    const result = await check(`${registry.host}/team/app:1.0.0`, []);
    expect(result.findings).toEqual([expect.objectContaining({ rule: "image-registry-unreachable" })]);
    expect(result.findings[0]?.message).toMatch(/certificate/i);
  });
});
