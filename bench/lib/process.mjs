import { spawn, spawnSync } from "node:child_process";
import { accessSync, closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * How a child's peak resident set size is measured, decided once per run:
 *  - "gnu-time": the child runs under `/usr/bin/time -f %M` (Debian package `time`), which reports the
 *    kernel's ru_maxrss from wait4(): the peak RSS of the largest single process among the child and the
 *    descendants it waited for (not their sum).
 *  - "proc-poll": no GNU time; VmHWM of the child is read from /proc/<pid>/status every few milliseconds.
 *    VmHWM is the kernel's own high-water mark, so only growth in the last poll interval before exit can be
 *    missed; descendants are not counted.
 *  - "none": neither is available (not Linux); peak RSS is reported as unknown.
 */
export const RSS_METHOD = detectRssMethod();

function detectRssMethod() {
  // BENCH_RSS_METHOD=proc-poll (or none) forces a method, e.g. to check the fallback where GNU time exists.
  const forced = process.env.BENCH_RSS_METHOD;
  if (forced === "proc-poll" || forced === "none") return forced;
  try {
    accessSync("/usr/bin/time", constants.X_OK);
    const dir = mkdtempSync(join(tmpdir(), "bench-time-"));
    try {
      const out = join(dir, "rss");
      const r = spawnSync("/usr/bin/time", ["-q", "-f", "%M", "-o", out, "true"], { stdio: "ignore" });
      if (r.status === 0 && /^\d+\s*$/.test(readFileSync(out, "utf8"))) return "gnu-time";
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } catch {
    // not installed, or not GNU time (BSD time has no -f): fall through
  }
  try {
    if (/VmHWM:/.test(readFileSync("/proc/self/status", "utf8"))) return "proc-poll";
  } catch {
    // not Linux
  }
  return "none";
}

export const RSS_METHOD_DESCRIPTION = {
  "gnu-time":
    "/usr/bin/time -f %M (kernel ru_maxrss: peak RSS of the largest single process in the child's tree)",
  "proc-poll": "polling VmHWM in /proc/<pid>/status every 5 ms (the child process only)",
  none: "unavailable on this platform",
}[RSS_METHOD];

/**
 * Runs a program (no shell) and times it from spawn to exit with `process.hrtime.bigint`.
 *
 * @param {string} file
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, stdoutFile?: string, okCodes?: number[], label?: string }} opts
 *   `stdoutFile`: where the child's stdout goes (default /dev/null); `okCodes`: exit codes that count as
 *   success (default [0]); anything else throws an error carrying the command and its stderr.
 * @returns {Promise<{ ms: number, code: number, peakRssKB: number | undefined, stderr: string }>}
 */
export async function runMeasured(file, args, opts = {}) {
  const okCodes = opts.okCodes ?? [0];
  const stdoutFd = openSync(opts.stdoutFile ?? "/dev/null", "w");
  let timeDir;
  let cmd = file;
  let cmdArgs = args;
  if (RSS_METHOD === "gnu-time") {
    timeDir = mkdtempSync(join(tmpdir(), "bench-time-"));
    cmd = "/usr/bin/time";
    cmdArgs = ["-q", "-f", "%M", "-o", join(timeDir, "rss"), file, ...args];
  }
  try {
    const stderr = [];
    let pollHWM;
    const start = process.hrtime.bigint();
    const child = spawn(cmd, cmdArgs, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", stdoutFd, "pipe"] });
    child.stderr.on("data", (b) => stderr.push(b));
    let timer;
    if (RSS_METHOD === "proc-poll") {
      const read = () => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
          if (m) pollHWM = Math.max(pollHWM ?? 0, Number(m[1]));
        } catch {
          // exited between polls
        }
      };
      read();
      timer = setInterval(read, 5);
    }
    const { code, signal } = await new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (c, s) => resolve({ code: c, signal: s }));
    });
    const end = process.hrtime.bigint();
    if (timer) clearInterval(timer);
    const err = Buffer.concat(stderr).toString("utf8");
    if (signal || !okCodes.includes(code)) {
      const what = signal
        ? `was killed by ${signal}`
        : `exited with code ${code} (expected ${okCodes.join(" or ")})`;
      const e = new Error(
        `${opts.label ?? "command"} failed: ${[file, ...args].join(" ")}\n  ${what}\n  stderr:\n${indent(err.trim() || "(empty)")}`,
      );
      e.stderr = err;
      throw e;
    }
    let peakRssKB;
    if (RSS_METHOD === "gnu-time") {
      const lines = readFileSync(join(timeDir, "rss"), "utf8").trim().split("\n");
      peakRssKB = Number(lines[lines.length - 1]);
    } else if (RSS_METHOD === "proc-poll") {
      peakRssKB = pollHWM;
    }
    return { ms: Number(end - start) / 1e6, code, peakRssKB, stderr: err };
  } finally {
    closeSync(stdoutFd);
    if (timeDir) rmSync(timeDir, { recursive: true, force: true });
  }
}

/** Runs a command synchronously for setup work; throws with its stderr when it fails. */
export function runSetup(file, args, opts = {}) {
  const r = spawnSync(file, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw new Error(`${file} ${args.join(" ")}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(
      `${file} ${args.join(" ")} exited with ${r.status ?? r.signal}:\n${indent(r.stderr?.trim() ?? "")}`,
    );
  }
  return r.stdout;
}

function indent(s) {
  return s
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}
