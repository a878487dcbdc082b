import { expect } from "vitest";
import { main } from "../../src/cli/main.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `main(argv)` in-process with captured output. The render cache goes to `cacheDir`; colours are
 * off because the fake streams are not terminals.
 */
export async function runCli(
  argv: string[],
  opts: { cwd: string; cacheDir: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { ...process.env, ZAKENAK_CACHE_DIR: opts.cacheDir, ...opts.env },
    cwd: opts.cwd,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const USAGE_HINT = 'Run "zakenak help" for usage.';

/**
 * Asserts a clean user-facing failure: exactly one line on stderr (plus, for option errors, the usage
 * hint), starting `zakenak:`, naming `mentions`, and no stack trace.
 */
export function expectOneLineError(stderr: string, ...mentions: string[]): void {
  expect(stderr).not.toContain("    at ");
  const lines = stderr.split("\n").filter((l) => l !== "" && l !== USAGE_HINT);
  expect(lines, stderr).toHaveLength(1);
  const [line = ""] = lines;
  expect(line).toMatch(/^zakenak: /);
  for (const m of mentions) expect(line).toContain(m);
}
