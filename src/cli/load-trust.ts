import { loadServerConfig } from "../config/load-server-config.js";
import type { ServerConfig } from "../config/server-config.js";
import { ZakenakError } from "../errors.js";
import { servedRepositories } from "../trust/repository-grant.js";

/** The operator's side of the trust model for `serve` and `worker`: the server configuration and who is served. */
export interface Trust {
  server?: ServerConfig;
  allowed: (fullName: string) => boolean;
}

/**
 * Loads the server configuration (`--server-config`, else `ZAKENAK_SERVER_CONFIG`) and the repositories
 * served. Deny by default: no repository allowed anywhere is a configuration error, not "all of them".
 */
export async function loadTrust(allowlist: readonly string[], file: string | undefined): Promise<Trust> {
  const server = file !== undefined ? await loadServerConfig(file) : undefined;
  const served = servedRepositories(allowlist, server);
  if (served.globs.length === 0) {
    throw new ZakenakError(
      "config-invalid",
      "no repository is allowed: set ZAKENAK_REPO_ALLOWLIST (e.g. acme/*, or '*' for every repository " +
        "the hosts send), or list repositories in the server configuration (ZAKENAK_SERVER_CONFIG)",
    );
  }
  return { ...(server ? { server } : {}), allowed: served.allowed };
}
