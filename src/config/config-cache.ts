import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { extname, join } from "node:path";
import type { ZakenakConfig } from "./schema.js";

/** Changes whenever what an entry holds changes shape. */
const FORMAT = "v1";

/**
 * What the parse of a `.zakenak.yaml` depends on besides its text: the code that parses and checks it
 * and the versions of the YAML and schema libraries. Any change to them makes every entry a miss.
 */
const SOURCES = ["schema", "chart-problems", "chart-reference", "load-config", "parse-yaml-document"];

let fingerprint: string | undefined;

/**
 * Configs parsed earlier, by their text: a plan whose `.zakenak.yaml` has not changed since the last one
 * neither parses it nor loads the schema library. Only valid configs are kept; an invalid one is parsed
 * each time, so its errors are always today's.
 */
export interface ConfigCache {
  get(key: string): Promise<ZakenakConfig | undefined>;
  put(key: string, config: ZakenakConfig): Promise<void>;
}

/** Parsed configs on disk, private to the user like the render cache. */
export function diskConfigCache(dir: string): ConfigCache {
  let made: Promise<unknown> | undefined;
  return {
    async get(key) {
      try {
        return JSON.parse(await readFile(join(dir, `${key}.json`), "utf8")) as ZakenakConfig;
      } catch {
        return undefined;
      }
    },
    async put(key, config) {
      made ??= mkdir(dir, { recursive: true, mode: 0o700 });
      await made;
      const tmp = join(dir, `${key}.${process.pid}.${randomUUID()}.tmp`);
      await writeFile(tmp, JSON.stringify(config), { mode: 0o600 });
      await rename(tmp, join(dir, `${key}.json`));
    },
  };
}

/** The key of a config's text, parsed as `file` with these rules known. */
export function configCacheKey(text: string, file: string, knownRules: readonly string[] = []): string {
  return createHash("sha256")
    .update(`${FORMAT}\0${parserFingerprint()}\0${file}\0${JSON.stringify(knownRules)}\0`)
    .update(text)
    .digest("hex");
}

function parserFingerprint(): string {
  if (fingerprint === undefined) {
    const hash = createHash("sha256");
    // This module's own extension: `.js` when built, `.ts` when the tests run the sources.
    const ext = extname(new URL(import.meta.url).pathname);
    for (const name of SOURCES) hash.update(readFileSync(new URL(`./${name}${ext}`, import.meta.url)));
    const require = createRequire(import.meta.url);
    for (const pkg of ["yaml", "zod"]) hash.update(readFileSync(require.resolve(`${pkg}/package.json`)));
    fingerprint = hash.digest("hex");
  }
  return fingerprint;
}
