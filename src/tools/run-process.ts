import { spawn } from "node:child_process";

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when stdout passed `maxStdoutBytes`: the program was killed and `stdout` is empty. */
  stdoutOverflow?: boolean;
  /** Set when the program ran longer than `timeoutMs` and was killed. */
  timedOut?: boolean;
}

/** Runs a program without a shell and collects its output; never rejects on a non-zero exit. */
export function runProcess(
  file: string,
  args: string[],
  opts: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    input?: string;
    /** Kills the program once its output passes this many bytes, rather than holding all of it. */
    maxStdoutBytes?: number;
    /** Kills the program once it has run this long (a network tool must not hang a plan). */
    timeoutMs?: number;
  } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const stdin = opts.input === undefined ? "ignore" : "pipe";
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: [stdin, "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let overflow = false;
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, opts.timeoutMs);
    child.stdout?.on("data", (b: Buffer) => {
      if (overflow) return;
      outBytes += b.length;
      if (opts.maxStdoutBytes !== undefined && outBytes > opts.maxStdoutBytes) {
        overflow = true;
        out.length = 0;
        child.kill("SIGKILL");
        return;
      }
      out.push(b);
    });
    child.stderr?.on("data", (b: Buffer) => err.push(b));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        ...(overflow ? { stdoutOverflow: true } : {}),
        ...(timedOut ? { timedOut: true } : {}),
      });
    });
    if (child.stdin) {
      // A program may exit without reading its input; that is its answer, not our error.
      child.stdin.on("error", () => {});
      child.stdin.end(opts.input);
    }
  });
}
