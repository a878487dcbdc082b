import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheRoot } from "../../tools/cache-root.js";

/** render-service/ of this checkout: three levels above this file in src/ and in dist/ alike. */
const SOURCE_DIR = fileURLToPath(new URL("../../../render-service/", import.meta.url));
let ownKey: string | undefined | null = null;

/**
 * Path of the built render service, or undefined when it is not built: `ZAKENAK_RENDER_SERVICE` when set,
 * else the build of this checkout's sources in the cache, under the key scripts/build-render-service.sh
 * gives it (so a stale build of other sources is never used).
 */
export function renderServicePath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env.ZAKENAK_RENDER_SERVICE;
  if (override) return existsSync(override) ? override : undefined;
  // Hashed once per process: every render asks, and the sources do not change under a running plan.
  if (ownKey === null) ownKey = sourceKey(SOURCE_DIR);
  const key = ownKey;
  if (key === undefined) return undefined;
  const path = join(cacheRoot(env), "render-service", key, "render-service");
  return existsSync(path) ? path : undefined;
}

/**
 * sha256 over go.mod, go.sum, the .go files in name order and the build script (its flags shape the
 * binary), each as "name\0content\0"; 16 hex digits.
 */
export function sourceKey(dir: string): string | undefined {
  const script = join(dir, "..", "scripts", "build-render-service.sh");
  if (![join(dir, "go.mod"), join(dir, "go.sum"), script].every((f) => existsSync(f))) return undefined;
  // Byte order, as `LC_ALL=C ls` sorts in the build script.
  const goFiles = readdirSync(dir)
    .filter((f) => f.endsWith(".go"))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const hash = createHash("sha256");
  for (const f of ["go.mod", "go.sum", ...goFiles].map((name) => join(dir, name)).concat(script)) {
    hash.update(`${basename(f)}\0`);
    hash.update(readFileSync(f));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}
