import { join } from "node:path";
import type { ChartSettings } from "../charts/chart-resolver.js";
import type { ServerConfig } from "../config/server-config.js";
import { loadRegistryAccess } from "../registry/load-registry-access.js";
import { cacheRoot } from "../tools/cache-root.js";

/**
 * Where remote charts are cached and how their registries are reached, read once at start: the cache
 * under ZAKENAK_CACHE_DIR, credentials from ZAKENAK_REGISTRY_CONFIG and the server configuration. Never
 * from a repository: a change decides which chart is deployed, not which credentials fetch it.
 */
export async function chartSettings(
  env: NodeJS.ProcessEnv,
  server?: Pick<ServerConfig, "registries">,
): Promise<ChartSettings> {
  return { dir: join(cacheRoot(env), "charts"), registries: await loadRegistryAccess(env, server) };
}

/**
 * The bot's chart settings: those above, and only the hosts the operator listed (`chartSources`, and
 * every host under `registries`) as sources a pull request's chart may come from.
 */
export async function botChartSettings(
  env: NodeJS.ProcessEnv,
  server?: Pick<ServerConfig, "registries" | "chartSources">,
): Promise<ChartSettings> {
  const settings = await chartSettings(env, server);
  const allowedHosts = [...(server?.chartSources ?? []), ...settings.registries.map((r) => r.host)];
  return { ...settings, allowedHosts };
}

/**
 * The CLI's chart settings: registries from ZAKENAK_REGISTRY_CONFIG and, for a command given
 * `--server-config`, from that file too.
 */
export async function cliChartSettings(
  env: NodeJS.ProcessEnv,
  serverConfigFile?: string,
): Promise<ChartSettings> {
  if (serverConfigFile === undefined) return chartSettings(env);
  // Loaded only when asked for: its schemas cost a CLI run that has no server configuration ~80 ms.
  const { loadServerConfig } = await import("../config/load-server-config.js");
  return chartSettings(env, await loadServerConfig(serverConfigFile));
}
