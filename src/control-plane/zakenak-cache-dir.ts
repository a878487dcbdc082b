import { homedir } from "node:os";
import { join } from "node:path";

export function zakenakCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ZAKENAK_CACHE_DIR || join(homedir(), ".cache", "zakenak");
}
