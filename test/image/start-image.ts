import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { runProcess } from "../../src/tools/run-process.js";
import { waitFor } from "../support/cluster-kit.js";
import { type ImageConfig, readImageConfig } from "./image-config.js";

const RUNNER = join(import.meta.dirname, "run-in-rootfs.sh");

/** An image's entrypoint running as PID 1 of its own PID and mount namespaces. */
export interface RunningImage {
  config: ImageConfig;
  /** Host pid of the namespace's PID 1: the entrypoint's first program. */
  initPid: number;
  /** The host directory behind each declared volume, by its path in the image. */
  volumes: Map<string, string>;
  stdout(): string;
  stderr(): string;
  /** Settles when PID 1 is gone, with its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Kills what still runs, then unmounts and removes the container and the volumes; never throws. */
  remove(): Promise<void>;
}

export interface StartOptions {
  /** Added to (and overriding) the image's environment. */
  env?: Record<string, string>;
  /** Files mounted read-only into the container, by their path there. */
  files?: Record<string, string>;
  /** Replace the image's CMD. */
  args?: string[];
}

/** What an image run to completion did. */
export interface ImageRun {
  /** The entrypoint's exit code (null when a signal ended it). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `image` as a container runtime would, without one: `buildah from` + `buildah mount` give its
 * files; run-in-rootfs.sh binds them read-only, mounts a fresh host directory (owned by the image's
 * user) on every declared volume, and execs the entrypoint and CMD as the image's user in its working
 * directory, with exactly the image's environment plus `env`.
 */
export async function startImage(image: string, opts: StartOptions = {}): Promise<RunningImage> {
  const { child, remove, ...started } = await launch(image, opts);
  try {
    const entry = basename(started.command[0] ?? "");
    const initPid = await waitFor(
      `${image}'s entrypoint ${entry} to start as PID 1`,
      () => {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${started.stderr()}`);
        const pid = childPids(child.pid ?? 0)[0];
        return pid !== undefined && comm(pid) === entry ? pid : undefined;
      },
      { timeoutMs: 10_000 },
    );
    const { config, volumes, stdout, stderr, exited } = started;
    return { config, initPid, volumes, stdout, stderr, exited, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/**
 * Runs `image` as {@link startImage} does until its entrypoint exits (killed after `timeoutMs`), then
 * removes the container and its volumes.
 */
export async function runImage(
  image: string,
  opts: StartOptions & { timeoutMs?: number } = {},
): Promise<ImageRun> {
  const { child, exited, stdout, stderr, remove } = await launch(image, opts);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([
      exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(
            new Error(`${image} still ran after ${timeoutMs} ms\nstdout: ${stdout()}\nstderr: ${stderr()}`),
          );
        }, timeoutMs);
      }),
    ]);
    return { code, stdout: stdout(), stderr: stderr() };
  } finally {
    clearTimeout(timer);
    await remove();
  }
}

interface Launched {
  config: ImageConfig;
  command: string[];
  child: ChildProcess;
  volumes: Map<string, string>;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  remove(): Promise<void>;
}

/** Sets the container up and spawns run-in-rootfs.sh in new PID and mount namespaces. */
async function launch(image: string, opts: StartOptions): Promise<Launched> {
  const config = await readImageConfig(image);
  const [uid, gid] = numericUser(config.user, image);
  const container = await buildah(["from", "--pull=never", image]);
  const cleanups: Array<() => Promise<unknown> | unknown> = [() => buildah(["rm", container])];
  const remove = async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch {
        // Every other step still runs: a failed unmount must not leave the container behind.
      }
    }
    cleanups.length = 0;
  };
  try {
    const rootfs = await buildah(["mount", container]);
    cleanups.push(() => buildah(["umount", container]));
    const work = mkdtempSync(join(tmpdir(), "zakenak-image-"));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
    const newRoot = join(work, "root");
    mkdirSync(newRoot);

    const volumes = new Map<string, string>();
    const mounts: string[] = [];
    config.volumes.forEach((path, i) => {
      const dir = join(work, `volume-${i}`);
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, uid, gid);
      chmodSync(dir, 0o700);
      volumes.set(path, dir);
      mounts.push("--volume", `${dir}:${path}`);
    });
    Object.entries(opts.files ?? {}).forEach(([path, content], i) => {
      const file = join(work, `file-${i}`);
      writeFileSync(file, content, { mode: 0o644 });
      mounts.push("--file", `${file}:${path}`);
    });
    const env = Object.entries({ ...config.env, ...opts.env }).map(([k, v]) => `${k}=${v}`);
    const command = [...config.entrypoint, ...(opts.args ?? config.cmd)];

    const child = spawn(
      "unshare",
      [
        "--pid",
        "--mount",
        "--propagation",
        "private",
        "--kill-child",
        "--",
        "bash",
        RUNNER,
        rootfs,
        newRoot,
        `${uid}:${gid}`,
        config.workingDir,
        ...mounts,
        "--",
        ...env,
        "--",
        ...command,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = exitOf(child);
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    });
    let out = "";
    let err = "";
    child.stdout?.setEncoding("utf8").on("data", (s: string) => (out += s));
    child.stderr?.setEncoding("utf8").on("data", (s: string) => (err += s));

    return { config, command, child, volumes, stdout: () => out, stderr: () => err, exited, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** The pids of a process's children, read from /proc. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** A field of /proc/PID/status, e.g. `Uid` or `NSpid`, split on whitespace. */
export function procStatus(pid: number, field: string): string[] {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`));
  if (line === undefined) throw new Error(`/proc/${pid}/status has no ${field}`);
  return line
    .slice(field.length + 1)
    .trim()
    .split(/\s+/);
}

function comm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

function numericUser(user: string, image: string): [number, number] {
  const match = /^(\d+):(\d+)$/.exec(user);
  if (!match) throw new Error(`${image} runs as "${user}": the image must name a numeric uid:gid`);
  return [Number(match[1]), Number(match[2])];
}

/** Runs buildah; its trimmed stdout, or an error carrying its stderr. */
export async function buildah(args: string[]): Promise<string> {
  const res = await runProcess("buildah", args);
  if (res.code !== 0) throw new Error(`buildah ${args.join(" ")} failed: ${res.stderr.trim()}`);
  return res.stdout.trim();
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on("error", () => resolve(null));
    child.on("exit", (code) => resolve(code));
  });
}
