import { randomBytes } from "node:crypto";
import { uniqueName } from "./cluster-kit.js";
import { e2eManifests, e2eZakenakYaml, MANIFEST_PATH } from "./e2e-repo.js";

/** The repository the loop deploys: one environment on `develop`, its files at every commit the fake knows. */
export interface LoopRepo {
  env: string;
  ns: string;
  /** `.zakenak.yaml`, the same on the default branch and at every commit. */
  config: string;
  /** A new commit whose ConfigMap has `color`. */
  commit(color: string): string;
  /** A merge commit with the files of `head`. */
  merge(head: string): string;
  files(sha: string): Record<string, string>;
}

/** Unique names per run: revisions are kept per environment name in the shared cluster. */
export function loopRepo(prefix: string): LoopRepo {
  const env = uniqueName("dev");
  const ns = uniqueName(prefix);
  const config = e2eZakenakYaml(env);
  const commits = new Map<string, Record<string, string>>();
  const add = (files: Record<string, string>) => {
    const sha = randomBytes(20).toString("hex");
    commits.set(sha, files);
    return sha;
  };
  const files = (sha: string) => {
    const found = commits.get(sha);
    if (!found) throw new Error(`no files for ${sha}`);
    return found;
  };
  return {
    env,
    ns,
    config,
    commit: (color) => add({ ".zakenak.yaml": config, [MANIFEST_PATH]: e2eManifests(ns, color) }),
    merge: (head) => add(files(head)),
    files,
  };
}
