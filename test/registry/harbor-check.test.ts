import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkImages } from "../../src/image-check/check-images.js";
import { createImageResolver } from "../../src/registry/image-resolver.js";
import type { HarborPolicy, RegistryAccess } from "../../src/registry/registry-access.js";
import { type Expectation, type StrictHttpFake, startStrictHttpFake } from "../support/strict-http-fake.js";
import { workload } from "./image-objects.js";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const ROBOT = { username: "robot$prod+zakenak", password: "harbor-robot-secret-1" };
const REPORT = "application/vnd.security.vulnerability.report; version=1.1";

/** Harbor's `Artifact` as `GET …/artifacts/{reference}?with_scan_overview=true&with_accessory=true` returns it. */
function artifact(opts: {
  scan?: { status: string; severity: string; counts: Record<string, number> } | null;
  signatures?: string[];
}): object {
  const scan = opts.scan;
  return {
    id: 12,
    type: "IMAGE",
    media_type: "application/vnd.oci.image.config.v1+json",
    manifest_media_type: "application/vnd.oci.image.manifest.v1+json",
    project_id: 3,
    repository_id: 7,
    repository_name: "prod/team/app",
    digest: DIGEST,
    size: 3012,
    push_time: "2026-05-01T10:00:00.000Z",
    pull_time: "2026-05-02T08:00:00.000Z",
    tags: null,
    scan_overview:
      scan === null || scan === undefined
        ? {}
        : {
            [REPORT]: {
              report_id: "5f62c830-f996-11e9-957f-0242c0a89008",
              scan_status: scan.status,
              severity: scan.severity,
              duration: 12,
              summary: {
                total: Object.values(scan.counts).reduce((a, b) => a + b, 0),
                fixable: 1,
                summary: scan.counts,
              },
              start_time: "2026-05-01T10:00:05Z",
              end_time: "2026-05-01T10:00:17Z",
              complete_percent: scan.status === "Success" ? 100 : 40,
              scanner: { name: "Trivy", vendor: "Aqua Security", version: "v0.50.1" },
            },
          },
    accessories:
      opts.signatures && opts.signatures.length > 0
        ? opts.signatures.map((type, i) => ({
            id: 30 + i,
            artifact_id: 40 + i,
            subject_artifact_id: 12,
            subject_artifact_digest: DIGEST,
            subject_artifact_repo: "prod/team/app",
            size: 512,
            digest: `sha256:${String(i).repeat(64)}`,
            type,
            icon: "sha256:0f4bd4bb0cd7b4b9a7e3a4c1f3c0f5f9a7f5d1e2b3c4d5e6f708192a3b4c5d6e",
            creation_time: "2026-05-01T10:01:00.000Z",
          }))
        : null,
  };
}

describe("Harbor scan and signature policies", () => {
  let harbor: StrictHttpFake;
  let host: string;
  let image: string;

  beforeAll(async () => {
    harbor = await startStrictHttpFake();
    host = new URL(harbor.url).host;
    image = `${host}/prod/team/app:1.4.2`;
  });
  afterEach(() => harbor.verify());
  afterAll(() => harbor?.close());

  const registries = (policy: Record<string, HarborPolicy>): RegistryAccess[] => [
    { host, ...ROBOT, plainHttp: true, harbor: { url: harbor.url, policy } },
  ];

  /** The manifest lookup of a public project's image: no challenge, the digest in the header. */
  const manifest: Expectation = {
    method: "HEAD",
    path: "/v2/prod/team/app/manifests/1.4.2",
    requestHeaders: { accept: /application\/vnd\.oci\.image\.index\.v1\+json/ },
    headers: {
      "docker-content-digest": DIGEST,
      "content-type": "application/vnd.oci.image.manifest.v1+json",
    },
  };
  const robotAuth = `Basic ${Buffer.from(`${ROBOT.username}:${ROBOT.password}`).toString("base64")}`;
  const artifactRequest = (json: object, status = 200): Expectation => ({
    method: "GET",
    // Harbor wants the repository inside the project percent-encoded twice: team/app → team%252Fapp.
    path: `/api/v2.0/projects/prod/repositories/team%252Fapp/artifacts/${DIGEST}`,
    query: { with_scan_overview: "true", with_accessory: "true" },
    requestHeaders: {
      authorization: robotAuth,
      "x-accept-vulnerabilities": `${REPORT}, application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0`,
    },
    status,
    json,
  });

  async function check(policy: Record<string, HarborPolicy>, environments: string[]) {
    const resolver = createImageResolver({
      registries: registries(policy),
      timeoutMs: 5_000,
      concurrency: 4,
    });
    const objects = [workload("web", [image])];
    return Promise.all(environments.map((env) => checkImages(objects, env, resolver, {})));
  }

  it("fails prod on a Critical vulnerability while dev, which allows it, passes; Harbor is asked once", async () => {
    harbor.expect(
      manifest,
      artifactRequest(
        artifact({ scan: { status: "Success", severity: "Critical", counts: { Critical: 1, High: 2 } } }),
      ),
    );
    const [prod, dev] = await check({ prod: { maxSeverity: "High" }, "*": { maxSeverity: "Critical" } }, [
      "prod",
      "dev",
    ]);
    expect(prod?.findings).toEqual([
      {
        rule: "image-vulnerabilities",
        severity: "error",
        file: "manifests/web.yaml",
        line: 1,
        object: "Deployment/apps/web",
        message: `container "c0" image ${image}: Harbor found Critical vulnerabilities (1 Critical, 2 High); prod allows up to High`,
      },
    ]);
    expect(dev?.findings).toEqual([]);
    expect(prod?.images[0]).toMatchObject({ digest: DIGEST, status: "found" });
  });

  it("passes an image whose worst vulnerability is within the policy", async () => {
    harbor.expect(
      manifest,
      artifactRequest(
        artifact({ scan: { status: "Success", severity: "Medium", counts: { Medium: 3, Low: 9 } } }),
      ),
    );
    const [prod] = await check({ prod: { maxSeverity: "High" } }, ["prod"]);
    expect(prod?.findings).toEqual([]);
  });

  it("fails an unsigned image where a signature is required, and passes a cosign-signed one", async () => {
    harbor.expect(manifest, artifactRequest(artifact({ signatures: [] })));
    const [unsigned] = await check({ prod: { requireSignature: true } }, ["prod"]);
    expect(unsigned?.findings).toEqual([
      expect.objectContaining({ rule: "image-unsigned", severity: "error", object: "Deployment/apps/web" }),
    ]);
    expect(unsigned?.findings[0]?.message).toContain(
      "no cosign or notation signature in Harbor; prod requires one",
    );
    harbor.verify();

    harbor.expect(manifest, artifactRequest(artifact({ signatures: ["signature.cosign"] })));
    const [signed] = await check({ prod: { requireSignature: true } }, ["prod"]);
    expect(signed?.findings).toEqual([]);
  });

  it("warns that an image is not shown acceptable when its scan is unfinished or missing", async () => {
    harbor.expect(
      manifest,
      artifactRequest(artifact({ scan: { status: "Running", severity: "", counts: {} } })),
    );
    const [running] = await check({ prod: { maxSeverity: "High" } }, ["prod"]);
    expect(running?.findings).toEqual([
      expect.objectContaining({ rule: "image-not-scanned", severity: "warning" }),
    ]);
    expect(running?.findings[0]?.message).toContain("its Harbor scan is Running");
    harbor.verify();

    harbor.expect(manifest, artifactRequest(artifact({ scan: null })));
    const [never] = await check({ prod: { maxSeverity: "High" } }, ["prod"]);
    expect(never?.findings[0]?.message).toContain(
      "Harbor has no vulnerability scan of it (prod allows up to High)",
    );
  });

  it("warns, naming Harbor and the robot account but not its password, when Harbor refuses the API call", async () => {
    harbor.expect(
      manifest,
      artifactRequest({ errors: [{ code: "UNAUTHORIZED", message: "unauthorized" }] }, 401),
    );
    const [prod] = await check({ prod: { maxSeverity: "High", requireSignature: true } }, ["prod"]);
    expect(prod?.findings).toEqual([
      expect.objectContaining({ rule: "image-not-scanned", severity: "warning" }),
    ]);
    const message = prod?.findings[0]?.message ?? "";
    expect(message).toContain(`Harbor at ${host} refused user "${ROBOT.username}"`);
    expect(message).not.toContain(ROBOT.password);
  });

  it("asks Harbor nothing for an environment without a policy", async () => {
    harbor.expect(manifest);
    const [dev] = await check({ prod: { maxSeverity: "High" } }, ["dev"]);
    expect(dev?.findings).toEqual([]);
  });
});
