import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectShared, sharedKubeconfig, uniqueName } from "../support/cluster-kit.js";
import { type OciRegistry, startOciRegistry } from "../support/oci-registry.js";
import { configMapChart, packageChart, pushChart } from "../support/registry/helm-charts.js";
import { type ChartRepository, startChartRepository } from "../support/registry/static-chart-repository.js";
import { tempDir } from "../support/repo-fixtures.js";
import { type CliResult, runCli } from "../support/run-cli.js";
import { type TempRepo, tempRepo } from "../support/temp-repo.js";

const REGISTRY_PASSWORD = `reg-${randomBytes(9).toString("hex")}`;
const REPOSITORY_PASSWORD = `repo-${randomBytes(9).toString("hex")}`;
const PASSWORD_VARIABLE = "ZK_TEST_REGISTRY_PASSWORD";

let registry: OciRegistry;
let charts: ChartRepository;
let work: ReturnType<typeof tempDir>;
let registryConfig: string;
const digests: Record<string, string> = {};
const archives: Record<string, string> = {};

beforeAll(async () => {
  work = tempDir("zakenak-remote-charts-");
  registry = await startOciRegistry({ auth: { username: "ci", password: REGISTRY_PASSWORD } });
  for (const [name, version] of [
    ["demo", "0.1.0"],
    ["demo", "0.2.0"],
    ["base", "1.0.0"],
    ["webapp", "1.0.0"],
  ] as const) {
    archives[`${name}-${version}`] = await packageChart(configMapChart(name, version), work.dir);
  }
  for (const chart of ["demo-0.1.0", "demo-0.2.0", "base-1.0.0"]) {
    digests[chart] = (await pushChart(registry, archives[chart] as string, "charts")).digest;
  }
  charts = await startChartRepository([archives["webapp-1.0.0"] as string], {
    username: "reader",
    password: REPOSITORY_PASSWORD,
  });
  const passwordFile = join(work.dir, "repository-password");
  writeFileSync(passwordFile, `${REPOSITORY_PASSWORD}\n`, { mode: 0o600 });
  registryConfig = join(work.dir, "registries.yaml");
  writeFileSync(
    registryConfig,
    [
      "registries:",
      `  - host: "${registry.host}"`,
      "    username: ci",
      `    passwordEnv: ${PASSWORD_VARIABLE}`,
      "    plainHttp: true",
      `  - host: "${charts.host}"`,
      "    username: reader",
      `    passwordFile: ${passwordFile}`,
      "",
    ].join("\n"),
  );
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await charts?.stop();
  work?.cleanup();
});

const ENV = uniqueName("rc");
const NAMESPACE = uniqueName("rc-ns");

/**
 * A repository whose base commit holds only the namespace; the working tree adds a ConfigMap release
 * (`settings`, what plans whatever happens to the charts) and `releases`, YAML for more release entries.
 */
function repoWith(releases: string): TempRepo {
  const repo = tempRepo({
    ".zakenak.yaml": `environments:\n  - name: ${ENV}\nreleases:\n  - name: namespace\n    manifests: manifests\n`,
    "manifests/namespace.yaml": `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NAMESPACE}\n`,
  });
  repo.commit("namespace");
  repo.write({
    ".zakenak.yaml": `environments:\n  - name: ${ENV}\nreleases:\n  - name: namespace\n    manifests: manifests\n  - name: settings\n    namespace: ${NAMESPACE}\n    manifests: settings\n${releases}`,
    "settings/settings.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n",
  });
  return repo;
}

function ociRelease(name: string, version: string, host = registry.host): string {
  return `  - name: ${name}\n    namespace: ${NAMESPACE}\n    chart: oci://${host}/charts/demo\n    version: "${version}"\n`;
}

function repositoryRelease(name: string, url = charts.url): string {
  return `  - name: ${name}\n    namespace: ${NAMESPACE}\n    repo: ${url}\n    chart: webapp\n    version: 1.0.0\n`;
}

function zakenak(
  repo: TempRepo,
  cacheDir: string,
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return runCli(argv, {
    cwd: repo.dir,
    cacheDir,
    env: { ZAKENAK_REGISTRY_CONFIG: registryConfig, [PASSWORD_VARIABLE]: REGISTRY_PASSWORD, ...env },
  });
}

interface JsonRelease {
  release: string;
  error?: string;
  charts?: { source: string; name: string; version: string; digest: string; dependencyOf: string | null }[];
  changes: { action: string; kind: string; name: string }[];
}

function releasesOf(result: CliResult): JsonRelease[] {
  return (JSON.parse(result.stdout) as { environments: { releases: JsonRelease[] }[] }).environments[0]
    ?.releases as JsonRelease[];
}

function releaseNamed(result: CliResult, name: string): JsonRelease {
  const found = releasesOf(result).find((r) => r.release === name);
  if (!found) throw new Error(`no release ${name} in ${result.stdout}`);
  return found;
}

function expectNoSecrets(...texts: string[]): void {
  const basic = Buffer.from(`ci:${REGISTRY_PASSWORD}`).toString("base64");
  for (const text of texts) {
    expect(text).not.toContain(REGISTRY_PASSWORD);
    expect(text).not.toContain(REPOSITORY_PASSWORD);
    expect(text).not.toContain(basic);
  }
}

describe("remote charts from a real OCI registry with htpasswd auth", () => {
  it("plans an oci:// chart and shows its digest in text, Markdown and JSON", async () => {
    const repo = repoWith(ociRelease("web", "0.1.0"));
    const cache = tempDir();
    try {
      const json = await zakenak(repo, cache.dir, ["plan", "--base", "HEAD", "--format", "json"]);
      expect(json.code, json.stderr).toBe(2);
      const web = releaseNamed(json, "web");
      expect(web.charts).toEqual([
        {
          source: `oci://${registry.host}/charts/demo`,
          name: "demo",
          version: "0.1.0",
          digest: digests["demo-0.1.0"],
          dependencyOf: null,
        },
      ]);
      expect(web.changes).toEqual([
        expect.objectContaining({ action: "create", kind: "ConfigMap", name: "web-demo" }),
      ]);

      const text = await zakenak(repo, cache.dir, ["plan", "--base", "HEAD"]);
      expect(text.code, text.stderr).toBe(2);
      expect(text.stdout).toContain(
        `web: oci://${registry.host}/charts/demo 0.1.0 (${digests["demo-0.1.0"]})`,
      );
      expect(text.stdout).toContain("+  chart: demo-0.1.0");

      const markdown = await zakenak(repo, cache.dir, ["plan", "--base", "HEAD", "--format", "markdown"]);
      expect(markdown.code, markdown.stderr).toBe(2);
      expect(markdown.stdout).toContain("**Charts pulled:**");
      expect(markdown.stdout).toContain(`\`${digests["demo-0.1.0"]}\``);
      expectNoSecrets(json.stdout, json.stderr, text.stdout, text.stderr, markdown.stdout, markdown.stderr);
    } finally {
      repo.cleanup();
      cache.cleanup();
    }
  });

  it("applies charts from oci:// and from a Helm repository, and the revision records their digests", async () => {
    const repo = repoWith(ociRelease("web", "0.2.0") + repositoryRelease("site"));
    repo.commit("remote charts");
    const cache = tempDir();
    const client = await connectShared();
    try {
      const kube = ["--kubeconfig", sharedKubeconfig()];
      const applied = await zakenak(repo, cache.dir, ["apply", "--env", ENV, "--no-wait", ...kube]);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain("revision 1 applied");
      const web = await client.get({
        apiVersion: "v1",
        kind: "ConfigMap",
        namespace: NAMESPACE,
        name: "web-demo",
      });
      expect(web?.data).toEqual({ greeting: "hello", chart: "demo-0.2.0" });
      const site = await client.get({
        apiVersion: "v1",
        kind: "ConfigMap",
        namespace: NAMESPACE,
        name: "site-webapp",
      });
      expect(site?.data).toEqual({ greeting: "hello", chart: "webapp-1.0.0" });

      const history = await zakenak(repo, cache.dir, ["history", "--env", ENV, "--format", "json", ...kube]);
      expect(history.code, history.stderr).toBe(0);
      const [revision] = (JSON.parse(history.stdout) as { revisions: { charts?: unknown[] }[] }).revisions;
      const archiveDigest = `sha256:${createHash("sha256")
        .update(readFileSync(archives["webapp-1.0.0"] as string))
        .digest("hex")}`;
      expect(revision?.charts).toEqual([
        {
          release: "web",
          source: `oci://${registry.host}/charts/demo`,
          name: "demo",
          version: "0.2.0",
          digest: digests["demo-0.2.0"],
        },
        { release: "site", source: charts.url, name: "webapp", version: "1.0.0", digest: archiveDigest },
      ]);
      expectNoSecrets(applied.stdout, applied.stderr, history.stdout);
    } finally {
      client.close();
      repo.cleanup();
      cache.cleanup();
    }
  });

  it("refuses a version range, naming the release and the field", async () => {
    for (const range of ["^0.1.0", "~0.1", "0.x", ">=0.1.0", "*", "0.1"]) {
      const repo = repoWith(ociRelease("web", range));
      const cache = tempDir();
      try {
        const res = await zakenak(repo, cache.dir, ["plan", "--base", "HEAD"]);
        expect(res.code).toBe(1);
        expect(res.stderr).toContain(".zakenak.yaml:12: releases[2].version: release web:");
        expect(res.stderr).toContain(`${JSON.stringify(range)} is a version range`);
        // Nothing was pulled: the configuration is refused before any render.
        expect(existsSync(join(cache.dir, "charts"))).toBe(false);
      } finally {
        repo.cleanup();
        cache.cleanup();
      }
    }
  });

  it("says clearly that the registry refused wrong credentials, and never shows the password", async () => {
    const repo = repoWith(ociRelease("web", "0.1.0") + repositoryRelease("site"));
    const cache = tempDir();
    const wrong = `wrong-${randomBytes(6).toString("hex")}`;
    const wrongFile = join(work.dir, "wrong-password");
    writeFileSync(wrongFile, wrong);
    const config = join(work.dir, "wrong-registries.yaml");
    writeFileSync(
      config,
      readFileSync(registryConfig, "utf8").replace(/passwordFile: .*/, `passwordFile: ${wrongFile}`),
    );
    try {
      const res = await zakenak(repo, cache.dir, ["plan", "--base", "HEAD", "--format", "json"], {
        [PASSWORD_VARIABLE]: wrong,
        ZAKENAK_REGISTRY_CONFIG: config,
      });
      expect(res.code).toBe(1);
      const web = releaseNamed(res, "web");
      expect(web.error).toContain(`release web: cannot pull chart oci://${registry.host}/charts/demo 0.1.0`);
      expect(web.error).toContain(`(${registry.host} refused the credentials configured for it)`);
      const site = releaseNamed(res, "site");
      expect(site.error).toContain(`release site: cannot pull chart webapp 1.0.0 from ${charts.url}`);
      expect(site.error).toContain(`(${charts.host} refused the credentials configured for it)`);
      // The other release still planned.
      expect(releaseNamed(res, "settings").changes).toEqual([
        expect.objectContaining({ action: "create", kind: "ConfigMap", name: "settings" }),
      ]);
      expect(res.stdout).not.toContain(wrong);
      expect(res.stderr).not.toContain(wrong);
      expect(res.stdout + res.stderr).not.toContain(Buffer.from(`ci:${wrong}`).toString("base64"));
    } finally {
      repo.cleanup();
      cache.cleanup();
    }
  });

  it("names the registry that asks for credentials when none are configured for it", async () => {
    const repo = repoWith(ociRelease("web", "0.1.0"));
    const cache = tempDir();
    try {
      const config = join(work.dir, "no-credentials.yaml");
      writeFileSync(config, `registries:\n  - host: "${registry.host}"\n    plainHttp: true\n`);
      const res = await zakenak(repo, cache.dir, ["plan", "--base", "HEAD", "--format", "json"], {
        ZAKENAK_REGISTRY_CONFIG: config,
      });
      expect(res.code).toBe(1);
      expect(releaseNamed(res, "web").error).toContain(
        `(${registry.host} asks for credentials and none are configured for it under registries)`,
      );
    } finally {
      repo.cleanup();
      cache.cleanup();
    }
  });
});

describe("the chart cache", () => {
  it("plans again from the cache with the registry stopped; with nothing cached the release fails alone", async () => {
    const own = await startOciRegistry({ auth: { username: "ci", password: REGISTRY_PASSWORD } });
    const { digest } = await pushChart(own, archives["demo-0.1.0"] as string, "charts");
    const config = join(work.dir, "own-registry.yaml");
    writeFileSync(
      config,
      `registries:\n  - host: "${own.host}"\n    username: ci\n    passwordEnv: ${PASSWORD_VARIABLE}\n    plainHttp: true\n`,
    );
    const repo = repoWith(ociRelease("web", "0.1.0", own.host));
    const cache = tempDir();
    const empty = tempDir();
    try {
      const env = { ZAKENAK_REGISTRY_CONFIG: config };
      const online = await zakenak(repo, cache.dir, ["plan", "--base", "HEAD", "--format", "json"], env);
      expect(online.code, online.stderr).toBe(2);
      expect(releaseNamed(online, "web").charts?.[0]?.digest).toBe(digest);
      await own.stop();

      // --no-cache drops renders, not pulled charts: this renders again, from the cached archive.
      const offline = await zakenak(
        repo,
        cache.dir,
        ["plan", "--base", "HEAD", "--format", "json", "--no-cache"],
        env,
      );
      expect(offline.code, offline.stderr).toBe(2);
      expect(releaseNamed(offline, "web")).toEqual(releaseNamed(online, "web"));

      const unreachable = await zakenak(repo, empty.dir, ["plan", "--base", "HEAD", "--format", "json"], env);
      expect(unreachable.code).toBe(1);
      const web = releaseNamed(unreachable, "web");
      expect(web.error).toContain(`release web: cannot pull chart oci://${own.host}/charts/demo 0.1.0`);
      expect(web.error).toContain(`(cannot reach ${own.host})`);
      expect(releaseNamed(unreachable, "settings").changes).toEqual([
        expect.objectContaining({ action: "create", kind: "ConfigMap", name: "settings" }),
      ]);
      expect(unreachable.stderr).toContain(
        `zakenak: release web: cannot pull chart oci://${own.host}/charts/demo`,
      );
    } finally {
      await own.stop();
      repo.cleanup();
      cache.cleanup();
      empty.cleanup();
    }
  });

  it("plans a Helm repository chart again with the repository gone, without asking it", async () => {
    const own = await startChartRepository([archives["webapp-1.0.0"] as string]);
    const repo = repoWith(repositoryRelease("site", own.url));
    const cache = tempDir();
    try {
      const online = await zakenak(repo, cache.dir, ["plan", "--base", "HEAD", "--format", "json"]);
      expect(online.code, online.stderr).toBe(2);
      const archiveDigest = `sha256:${createHash("sha256")
        .update(readFileSync(archives["webapp-1.0.0"] as string))
        .digest("hex")}`;
      expect(releaseNamed(online, "site").charts).toEqual([
        { source: own.url, name: "webapp", version: "1.0.0", digest: archiveDigest, dependencyOf: null },
      ]);
      expect(own.requests).toEqual(["/index.yaml", "/webapp-1.0.0.tgz"]);
      await own.stop();

      const offline = await zakenak(repo, cache.dir, [
        "plan",
        "--base",
        "HEAD",
        "--format",
        "json",
        "--no-cache",
      ]);
      expect(offline.code, offline.stderr).toBe(2);
      expect(releaseNamed(offline, "site")).toEqual(releaseNamed(online, "site"));
      expect(own.requests).toHaveLength(2);
    } finally {
      await own.stop();
      repo.cleanup();
      cache.cleanup();
    }
  });
});

describe("chart dependencies", () => {
  function appChart(dependencies: string, lock?: string): Record<string, string> {
    const files = configMapChart("app", "0.1.0");
    return {
      "charts/app/Chart.yaml": `${files["Chart.yaml"]}dependencies:\n${dependencies}`,
      "charts/app/values.yaml": files["values.yaml"] as string,
      "charts/app/templates/configmap.yaml": files["templates/configmap.yaml"] as string,
      ...(lock ? { "charts/app/Chart.lock": lock } : {}),
    };
  }
  const appRelease = `  - name: app\n    namespace: ${NAMESPACE}\n    chart: charts/app\n`;

  it("pulls a local chart's dependencies from the registry and the Helm repository, pinned by Chart.lock", async () => {
    const repo = repoWith(appRelease);
    repo.write(
      appChart(
        `  - name: base\n    version: 1.0.0\n    repository: oci://${registry.host}/charts\n` +
          `  - name: webapp\n    version: ~1.0.0\n    repository: ${charts.url}\n`,
        `dependencies:\n  - name: base\n    repository: oci://${registry.host}/charts\n    version: 1.0.0\n` +
          `  - name: webapp\n    repository: ${charts.url}\n    version: 1.0.0\ndigest: sha256:0\ngenerated: "2026-01-01T00:00:00Z"\n`,
      ),
    );
    repo.commit("app with dependencies");
    const cache = tempDir();
    try {
      // Both ways a plan reads a chart: the working tree and a git revision.
      for (const head of [[], ["--head", "HEAD"]]) {
        const res = await zakenak(repo, cache.dir, ["plan", "--base", "HEAD~1", ...head, "--format", "json"]);
        expect(res.code, res.stderr).toBe(2);
        const app = releaseNamed(res, "app");
        expect(app.changes.map((c) => c.name).sort()).toEqual(["app-app", "app-base", "app-webapp"]);
        expect(app.charts).toEqual([
          expect.objectContaining({
            name: "base",
            digest: digests["base-1.0.0"],
            dependencyOf: "charts/app",
          }),
          expect.objectContaining({
            name: "webapp",
            version: "1.0.0",
            source: charts.url,
            dependencyOf: "charts/app",
          }),
        ]);
      }
      // The dependencies went into a copy: the repository is as it was.
      expect(existsSync(join(repo.dir, "charts/app/charts"))).toBe(false);
      expect(repo.git("status", "--porcelain")).toBe("");
    } finally {
      repo.cleanup();
      cache.cleanup();
    }
  });

  it("refuses a dependency whose version is a range that Chart.lock does not pin", async () => {
    const repo = repoWith(appRelease);
    repo.write(
      appChart(`  - name: base\n    version: ^1.0.0\n    repository: oci://${registry.host}/charts\n`),
    );
    const cache = tempDir();
    try {
      const res = await zakenak(repo, cache.dir, ["plan", "--base", "HEAD", "--format", "json"]);
      expect(res.code).toBe(1);
      expect(releaseNamed(res, "app").error).toContain(
        'release app: charts/app/Chart.yaml: dependency base has version "^1.0.0", and Chart.lock pins no exact version for it',
      );
    } finally {
      repo.cleanup();
      cache.cleanup();
    }
  });
});

describe("a registry with token authentication", () => {
  it("pulls through the Bearer challenge with the configured credentials", async () => {
    const own = await startOciRegistry({
      auth: { username: "ci", password: REGISTRY_PASSWORD, scheme: "token" },
    });
    const { digest } = await pushChart(own, archives["demo-0.1.0"] as string, "charts");
    const config = join(work.dir, "token-registry.yaml");
    writeFileSync(
      config,
      `registries:\n  - host: "${own.host}"\n    username: ci\n    passwordEnv: ${PASSWORD_VARIABLE}\n    plainHttp: true\n`,
    );
    const repo = repoWith(ociRelease("web", "0.1.0", own.host));
    const cache = tempDir();
    try {
      const res = await zakenak(repo, cache.dir, ["plan", "--base", "HEAD", "--format", "json"], {
        ZAKENAK_REGISTRY_CONFIG: config,
      });
      expect(res.code, res.stderr).toBe(2);
      expect(releaseNamed(res, "web").charts?.[0]?.digest).toBe(digest);
      expect(
        own.tokenServer?.requests.some(
          (r) => r.user === "ci" && r.scope.includes("repository:charts/demo:pull"),
        ),
      ).toBe(true);
    } finally {
      await own.stop();
      repo.cleanup();
      cache.cleanup();
    }
  });
});
