import { homedir } from "node:os";
import { join } from "node:path";

/** Root of Zakenak's caches (tools, renders, built binaries); outside any clone so CI runs share it. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.ZAKENAK_CACHE_DIR ?? join(homedir(), ".cache", "zakenak");
}
