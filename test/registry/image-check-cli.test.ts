import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OciRegistry, pushImageManifest, startOciRegistry } from "../support/oci-registry.js";
import { tempDir } from "../support/repo-fixtures.js";
import { expectOneLineError, runCli } from "../support/run-cli.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";

const PASSWORD = "cli-image-pass-7";

const CONFIG = `environments:
  - name: dev
releases:
  - name: apps
    namespace: apps
    manifests: manifests
`;

function deploymentYaml(name: string, image: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      imagePullSecrets: [{ name: regcred }]
      containers:
        - name: app
          image: ${image}
          resources:
            limits: { cpu: 100m, memory: 64Mi }
`;
}

describe("zakenak plan looks images up in a real registry", () => {
  let registry: OciRegistry;
  let digest: string;
  let repo: TempRepo;
  let scratch: ReturnType<typeof tempDir>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    registry = await startOciRegistry({ auth: { username: "ci", password: PASSWORD } });
    ({ digest } = await pushImageManifest(registry, "team/app", "1.0.0"));
    scratch = tempDir("zakenak-image-cli-");
    const registries = join(scratch.dir, "registries.yaml");
    writeFileSync(
      registries,
      `registries:\n  - host: "${registry.host}"\n    username: ci\n    passwordEnv: TEST_REGISTRY_PASSWORD\n    plainHttp: true\n`,
    );
    env = { ZAKENAK_REGISTRY_CONFIG: registries, TEST_REGISTRY_PASSWORD: PASSWORD };
    repo = tempRepo({ ".zakenak.yaml": CONFIG, "manifests/README.md": "workloads\n" });
    repo.commit("base");
    repo.write({
      "manifests/web.yaml": deploymentYaml("web", `${registry.host}/team/app:1.0.0`),
      "manifests/api.yaml": deploymentYaml("api", `${registry.host}/team/app:2.0.0`),
    });
  });
  afterAll(async () => {
    repo?.cleanup();
    scratch?.cleanup();
    await registry?.stop();
  });

  const cli = (argv: string[], extra: NodeJS.ProcessEnv = {}) =>
    runCli(argv, { cwd: repo.dir, cacheDir: join(scratch.dir, "cache"), env: { ...env, ...extra } });

  it("records the digests in the JSON plan and fails on a tag the registry does not have", async () => {
    const r = await cli(["plan", "--format", "json", "--base", "HEAD"]);
    expect(r.code).toBe(1);
    const [dev] = JSON.parse(r.stdout).environments;
    expect(dev.images).toEqual([
      {
        image: `${registry.host}/team/app:1.0.0`,
        registry: registry.host,
        repository: "team/app",
        digest,
        status: "found",
      },
      {
        image: `${registry.host}/team/app:2.0.0`,
        registry: registry.host,
        repository: "team/app",
        digest: null,
        status: "missing",
      },
    ]);
    expect(dev.findings).toEqual([
      {
        rule: "image-missing",
        severity: "error",
        file: "manifests/api.yaml",
        line: 1,
        object: "Deployment/apps/api",
        message: `container "app" image ${registry.host}/team/app:2.0.0: tag 2.0.0 not found in ${registry.host}/team/app`,
      },
    ]);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it("names the image in the text report too", async () => {
    const r = await cli(["plan", "--base", "HEAD"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("image-missing");
    expect(r.stdout).toContain(`${registry.host}/team/app:2.0.0`);
  });

  it("looks nothing up with --no-image-check or ZAKENAK_IMAGE_CHECK=off", async () => {
    for (const r of [
      await cli(["plan", "--format", "json", "--base", "HEAD", "--no-image-check"]),
      await cli(["plan", "--format", "json", "--base", "HEAD"], { ZAKENAK_IMAGE_CHECK: "off" }),
    ]) {
      expect(r.code).toBe(2);
      const [dev] = JSON.parse(r.stdout).environments;
      expect(dev.images).toBeNull();
      expect(dev.findings).toEqual([]);
    }
  });

  it("stops with one line naming a bad setting or a missing password variable", async () => {
    const timeout = await cli(["plan", "--base", "HEAD"], { ZAKENAK_IMAGE_CHECK_TIMEOUT_SECONDS: "soon" });
    expect(timeout.code).toBe(1);
    expectOneLineError(timeout.stderr, "ZAKENAK_IMAGE_CHECK_TIMEOUT_SECONDS");
    const unset = await cli(["plan", "--base", "HEAD"], { TEST_REGISTRY_PASSWORD: "" });
    expect(unset.code).toBe(1);
    expectOneLineError(unset.stderr, "TEST_REGISTRY_PASSWORD", registry.host);
  });
});
