import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess } from "../../src/tools/run-process.js";
import { toolPath } from "../../src/tools/tool-path.js";
import { waitFor } from "../support/cluster-kit.js";
import { type ImageConfig, readImageConfig } from "./image-config.js";
import { withImageFiles } from "./image-files.js";
import { childPids, procStatus, type RunningImage, runImage, startImage } from "./start-image.js";

const IMAGE = "localhost/zakenak:test";
const REDIS_PORT = process.env.ZAKENAK_TEST_REDIS_PORT ?? "6379";
// A database of its own: serve's workers take jobs from the real queue name, which must not be shared
// with other tests using the same Redis.
const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}/11`;
const WEBHOOK_SECRET = "image-test-webhook-secret";
const SERVER_CONFIG = "/etc/zakenak/server-config.yaml";
const RENDER_SERVICE = "/usr/local/bin/zakenak-render-service";
// A repository of one local chart, mounted file by file (read-only) at /repo: not a git checkout, so
// `zakenak plan` plans its working tree against nothing and every object is new.
const CHART_REPO: Record<string, string> = {
  "/repo/.zakenak.yaml": [
    "environments:",
    "  - name: dev",
    "    branch: main",
    "releases:",
    "  - name: demo",
    "    namespace: demo",
    "    chart: charts/demo",
    "    values: [charts/demo/values.yaml]",
    "",
  ].join("\n"),
  "/repo/charts/demo/Chart.yaml": "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
  "/repo/charts/demo/values.yaml": "greeting: hello from the image\n",
  "/repo/charts/demo/templates/configmap.yaml": [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: {{ .Release.Name }}-settings",
    "data:",
    "  greeting: {{ .Values.greeting | quote }}",
    "  helmVersion: {{ .Capabilities.HelmVersion.Version | quote }}",
    "",
  ].join("\n"),
};

describe("the container image", () => {
  let config: ImageConfig;

  beforeAll(async () => {
    const redis = await runProcess("bash", ["scripts/start-redis.sh"]);
    expect(redis.code, redis.stderr).toBe(0);
    // The unchanged Dockerfile, as scripts/build-image.sh builds it; its layers make a rebuild cheap.
    const build = await runProcess("bash", ["scripts/build-image.sh"], {
      env: { ...process.env, ZAKENAK_IMAGE: IMAGE },
    });
    expect(build.code, build.stderr.slice(-4000)).toBe(0);
    config = await readImageConfig(IMAGE);
    // A first build compiles the render service with empty Go caches: over ten minutes on two busy CPUs.
  }, 30 * 60_000);

  it("runs zakenak serve under tini as a numeric non-root user, keeping every write under its volume", () => {
    expect(config.user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(config.entrypoint).toEqual(["/usr/bin/tini", "--", "zakenak"]);
    expect(config.cmd).toEqual(["serve"]);
    expect(config.stopSignal).toBe("SIGTERM");
    expect(config.exposedPorts).toEqual(["3000/tcp"]);
    expect(config.volumes).toEqual(["/var/lib/zakenak"]);
    for (const name of ["HOME", "TMPDIR", "ZAKENAK_CACHE_DIR"]) {
      expect(`${config.env[name]}/`, name).toMatch(/^\/var\/lib\/zakenak\//);
    }
    expect(config.env.ZAKENAK_HELM).toBe("/usr/local/bin/helm");
    expect(config.env.ZAKENAK_KUBECTL).toBe("/usr/local/bin/kubectl");
    // The render service renders, although ZAKENAK_HELM names a helm binary (which alone would win).
    expect(config.env.ZAKENAK_RENDER_SERVICE).toBe(RENDER_SERVICE);
    expect(config.env.ZAKENAK_HELM_RENDERER).toBe("service");
    for (const key of ["title", "description", "licenses", "version", "revision", "created"]) {
      expect(config.labels[`org.opencontainers.image.${key}`], key).toMatch(/\S/);
    }
  });

  it(
    "carries the render service stripped, built with the flags of scripts/build-render-service.sh",
    async () => {
      // The version stamps the script gives the Helm library, and this checkout's own build by it.
      const script = readFileSync("scripts/build-render-service.sh", "utf8");
      const helmVersion = /^helm_version=(v\S+)$/m.exec(script)?.[1] as string;
      const helmCommit = /^helm_commit=([0-9a-f]{40})$/m.exec(script)?.[1] as string;
      expect([helmVersion, helmCommit].every(Boolean), "helm_version and helm_commit in the script").toBe(
        true,
      );
      const local = await runProcess("bash", ["scripts/build-render-service.sh"]);
      expect(local.code, local.stderr).toBe(0);
      const localSettings = await goBuildSettings(join(local.stdout.trim(), "render-service"));
      await withImageFiles(IMAGE, async (rootfs) => {
        const binary = join(rootfs, RENDER_SERVICE);
        const stat = statSync(binary);
        expect(stat.uid).toBe(0);
        // No set-id bits, writable by root alone, and runnable by the image's user.
        expect((stat.mode & 0o7777).toString(8)).toBe("755");
        // -s -w: neither a symbol table nor DWARF.
        const sections = await runProcess("readelf", ["--section-headers", "--wide", binary]);
        expect(sections.code, sections.stderr).toBe(0);
        expect(sections.stdout).toContain(".go.buildinfo");
        expect(sections.stdout).not.toContain(".symtab");
        expect(sections.stdout).not.toContain(".debug_");
        // -X: stamped with the release and its commit.
        const version = await runProcess(binary, ["--version"]);
        expect(version.stdout.trim(), version.stderr).toBe(helmVersion);
        expect(readFileSync(binary).includes(helmCommit)).toBe(true);
        // -trimpath, CGO_ENABLED=0 and the same modules as the local build (Go records no -ldflags
        // when paths are trimmed).
        const settings = await goBuildSettings(binary);
        expect(settings).toContain("build\t-trimpath=true");
        expect(settings).toContain("build\tCGO_ENABLED=0");
        expect(settings).toEqual(localSettings);
      });
    },
    10 * 60_000,
  );

  it("renders `zakenak plan`'s charts with its render service, as the image's user, without the helm binary", async () => {
    const helm = await runProcess(toolPath("helm"), ["version", "--template", "{{ .Version }}"]);
    expect(helm.code, helm.stderr).toBe(0);
    // A helm binary that is not there: had it been asked to render, the release would fail.
    const run = await runImage(IMAGE, {
      args: ["plan", "--repo", "/repo", "--format", "json", "--no-image-check"],
      env: { NODE_DEBUG: "zakenak", ZAKENAK_HELM: "/nonexistent/helm" },
      files: CHART_REPO,
      timeoutMs: 90_000,
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`rendering charts with the render service ${RENDER_SERVICE}`);
    expect(run.stderr).not.toContain("helm binary");
    const plan = JSON.parse(run.stdout);
    const [dev] = plan.environments;
    expect(dev.valid).toBe(true);
    const [release] = dev.releases;
    expect(release.error).toBeUndefined();
    expect(
      release.changes.map((c: { action: string; kind: string; name: string }) => [c.action, c.kind, c.name]),
    ).toEqual([["create", "ConfigMap", "demo-settings"]]);
    // The values file's greeting, .Capabilities.HelmVersion stamped as the helm binary of the same
    // release has it, and the release's namespace.
    expect(release.changes[0].diff).toBe(
      [
        "@@ -1,0 +1,8 @@",
        "+apiVersion: v1",
        "+data:",
        "+  greeting: hello from the image",
        `+  helmVersion: ${helm.stdout.trim()}`,
        "+kind: ConfigMap",
        "+metadata:",
        "+  name: demo-settings",
        "+  namespace: demo",
      ].join("\n"),
    );
  }, 120_000);

  describe("started with a read-only root filesystem", () => {
    let running: RunningImage;
    let url: string;

    beforeAll(async () => {
      running = await startImage(IMAGE, {
        env: {
          PORT: "0",
          REDIS_URL,
          ZAKENAK_SERVER_CONFIG: SERVER_CONFIG,
          GITEA_URL: "http://127.0.0.1:9",
          GITEA_TOKEN: "image-test-token",
          GITEA_WEBHOOK_SECRET: WEBHOOK_SECRET,
        },
        files: { [SERVER_CONFIG]: "repositories:\n  - match: acme/gitops\n" },
      });
      const port = await waitFor(
        "zakenak serve in the image to listen",
        () => listeningPort(running.stdout()),
        { timeoutMs: 30_000 },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\nstdout: ${running.stdout()}\nstderr: ${running.stderr()}`);
      });
      url = `http://127.0.0.1:${port}`;
    }, 60_000);

    afterAll(async () => {
      await running?.remove();
    }, 30_000);

    it("answers /healthz and /readyz (Redis reached) and checks webhook signatures", async () => {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status, await ready.text()).toBe(200);
      const forged = await fetch(`${url}/api/gitea/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-gitea-event": "push",
          "x-gitea-delivery": "image-test-1",
          "x-gitea-signature": "0".repeat(64),
        },
        body: "{}",
      });
      expect(forged.status).toBe(401);
    });

    it("runs tini as PID 1 and zakenak under it, both as the image's non-root user", () => {
      const [uid, gid] = config.user.split(":");
      expect(procStatus(running.initPid, "NSpid").at(-1)).toBe("1");
      const [zakenak] = childPids(running.initPid);
      expect(zakenak).toBeDefined();
      for (const pid of [running.initPid, zakenak as number]) {
        expect(procStatus(pid, "Uid")).toEqual([uid, uid, uid, uid]);
        expect(procStatus(pid, "Gid")).toEqual([gid, gid, gid, gid]);
      }
      expect(readFileSync(`/proc/${zakenak}/cmdline`, "utf8").split("\0")).toContain("serve");
    });

    it("can write only to its declared volume, and does write there", () => {
      const [zakenak] = childPids(running.initPid);
      const writable = mountInfo(zakenak as number)
        .filter((m) => m.options.includes("rw"))
        .map((m) => m.mountPoint)
        // The kernel's /proc and device nodes are no files of the image.
        .filter((p) => p !== "/proc" && p !== "/dev" && !p.startsWith("/dev/"));
      expect(writable).toEqual(config.volumes);
      expect(mountInfo(zakenak as number).find((m) => m.mountPoint === "/")?.options).toContain("ro");
      const volume = running.volumes.get("/var/lib/zakenak") as string;
      expect(readdirSync(volume)).toContain("node-compile-cache");
      expect(running.stderr()).not.toMatch(/EROFS|read-only file system/i);
      expect(running.stdout()).not.toMatch(/EROFS|read-only file system/i);
      expect(running.stdout() + running.stderr()).not.toContain(WEBHOOK_SECRET);
    });

    it("exits 0 within seconds of a SIGTERM sent to PID 1, after zakenak shuts down", async () => {
      const started = Date.now();
      process.kill(running.initPid, "SIGTERM");
      const code = await Promise.race([
        running.exited,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("still running 15 s after SIGTERM")), 15_000).unref(),
        ),
      ]);
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(
        logLines(running.stdout()).some((l) => l.msg === "shutting down" && l.signal === "SIGTERM"),
      ).toBe(true);
    }, 20_000);
  });
});

/** What `go version -m` says a Go binary was built from and with, without its path and Go release. */
async function goBuildSettings(binary: string): Promise<string[]> {
  const res = await runProcess("go", ["version", "-m", binary]);
  expect(res.code, res.stderr).toBe(0);
  return res.stdout
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.trim());
}

function logLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function listeningPort(stdout: string): number | undefined {
  return logLines(stdout).find((l) => l.msg === "zakenak serve listening")?.port as number | undefined;
}

/** The mounts a process sees: mount point and per-mount options (the 5th and 6th mountinfo fields). */
function mountInfo(pid: number): { mountPoint: string; options: string[] }[] {
  return readFileSync(`/proc/${pid}/mountinfo`, "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const fields = line.split(" ");
      return { mountPoint: fields[4] ?? "", options: (fields[5] ?? "").split(",") };
    });
}
