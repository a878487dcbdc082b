import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Finding } from "../../model/finding.js";
import type { RenderedObject } from "../../model/kube-object.js";

export interface CachedRender {
  objects: RenderedObject[];
  findings: Finding[];
  /**
   * Findings of the per-object validation rules, one list per object, by what they were computed with
   * (`checkFingerprint`): a warm plan then needs no schema validators.
   */
  checked?: Record<string, Finding[][]>;
}

export interface RenderCache {
  get(key: string): Promise<CachedRender | undefined>;
  put(key: string, value: CachedRender): Promise<void>;
}

/**
 * Renders on disk keyed by a content hash of their inputs. Files are private to the user: a render can
 * hold Secret values from the repository.
 */
export function diskRenderCache(dir: string): RenderCache {
  let made: Promise<unknown> | undefined;
  return {
    async get(key) {
      try {
        return JSON.parse(await readFile(join(dir, `${key}.json`), "utf8")) as CachedRender;
      } catch {
        return undefined;
      }
    },
    async put(key, value) {
      made ??= mkdir(dir, { recursive: true, mode: 0o700 });
      await made;
      // One name per write: two jobs of one worker may cache the same render at the same moment.
      const tmp = join(dir, `${key}.${process.pid}.${randomUUID()}.tmp`);
      await writeFile(tmp, JSON.stringify(value), { mode: 0o600 });
      await rename(tmp, join(dir, `${key}.json`));
    },
  };
}

/** A cache that keeps nothing, for `--no-cache`. */
export const noRenderCache: RenderCache = {
  get: async () => undefined,
  put: async () => {},
};
