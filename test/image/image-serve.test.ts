import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess } from "../../src/tools/run-process.js";
import { waitFor } from "../support/cluster-kit.js";
import { type ImageConfig, readImageConfig } from "./image-config.js";
import { childPids, procStatus, type RunningImage, startImage } from "./start-image.js";

const IMAGE = "localhost/zakenak:test";
const REDIS_PORT = process.env.ZAKENAK_TEST_REDIS_PORT ?? "6379";
// A database of its own: serve's workers take jobs from the real queue name, which must not be shared
// with other tests using the same Redis.
const REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}/11`;
const WEBHOOK_SECRET = "image-test-webhook-secret";
const SERVER_CONFIG = "/etc/zakenak/server-config.yaml";

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
  }, 20 * 60_000);

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
    for (const key of ["title", "description", "licenses", "version", "revision", "created"]) {
      expect(config.labels[`org.opencontainers.image.${key}`], key).toMatch(/\S/);
    }
  });

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
