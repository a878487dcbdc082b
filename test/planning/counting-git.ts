import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";

export interface CountingGit {
  /** Arguments of each git run since the last `reset`, one string per run. */
  runs(): string[];
  reset(): void;
  /** Puts the real git back first on PATH. */
  restore(): void;
}

/**
 * Puts a `git` wrapper first on PATH that records each run and then execs the real git, so a test can
 * tell what a plan asked git to do (e.g. that it wrote no files).
 */
export function countingGit(dir: string): CountingGit {
  const real = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  const log = join(dir, "git-runs.log");
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(join(dir, "git"), `#!/bin/sh\necho "$*" >> ${quote(log)}\nexec ${quote(real)} "$@"\n`);
  chmodSync(join(dir, "git"), 0o755);
  const before = process.env.PATH;
  process.env.PATH = `${dir}${delimiter}${before ?? ""}`;
  return {
    runs: () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []),
    reset: () => writeFileSync(log, ""),
    restore: () => {
      process.env.PATH = before;
    },
  };
}
