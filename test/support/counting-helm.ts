import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toolPath } from "../../src/tools/tool-path.js";

export interface CountingHelm {
  /** Path of a wrapper script that records each run and then execs the real helm. */
  path: string;
  /** How many times helm ran (any sub-command). */
  count(): number;
  /** Arguments of each run, one string per run. */
  runs(): string[];
}

/** The real helm binary, ignoring any `ZAKENAK_HELM` override. */
export function realHelm(): string {
  const { ZAKENAK_HELM: _ignored, ...env } = process.env;
  return toolPath("helm", env);
}

/** Writes a helm wrapper into `dir` that appends to a counter file and runs the real helm. */
export function countingHelm(dir: string): CountingHelm {
  const counter = join(dir, "helm-runs.log");
  const path = join(dir, "helm-counting.sh");
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(path, `#!/bin/sh\necho "$*" >> ${quote(counter)}\nexec ${quote(realHelm())} "$@"\n`);
  chmodSync(path, 0o755);
  const runs = () => (existsSync(counter) ? readFileSync(counter, "utf8").split("\n").filter(Boolean) : []);
  return { path, runs, count: () => runs().length };
}

/** Points `ZAKENAK_HELM` at `path` until the returned function restores the previous value. */
export function useHelm(path: string): () => void {
  const before = process.env.ZAKENAK_HELM;
  process.env.ZAKENAK_HELM = path;
  return () => {
    if (before === undefined) delete process.env.ZAKENAK_HELM;
    else process.env.ZAKENAK_HELM = before;
  };
}
