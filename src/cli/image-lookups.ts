import { imageCheckConfig } from "../config/image-check-config.js";
import type { ServerConfig } from "../config/server-config.js";
import type { ImageResolverOptions } from "../registry/image-resolver.js";
import { loadRegistryAccess } from "../registry/load-registry-access.js";

/**
 * How plans look images up, read once at start: ZAKENAK_IMAGE_CHECK and its deadline from the environment,
 * registry credentials from ZAKENAK_REGISTRY_CONFIG and the server configuration. Undefined: switched off.
 * The CLI looks up whatever its user plans; see botImageLookups for the bot.
 */
export async function imageLookups(
  env: NodeJS.ProcessEnv,
  server?: Pick<ServerConfig, "registries">,
): Promise<ImageResolverOptions | undefined> {
  const config = imageCheckConfig(env);
  if (!config.enabled) return undefined;
  return {
    registries: await loadRegistryAccess(env, server),
    timeoutMs: config.timeoutMs,
    concurrency: config.concurrency,
  };
}

/**
 * The bot's image lookups: those above, limited to the hosts the operator listed (`imageSources`, and
 * every host under `registries`); a pull request's image on another host is never looked up.
 */
export async function botImageLookups(
  env: NodeJS.ProcessEnv,
  server?: Pick<ServerConfig, "registries" | "imageSources">,
): Promise<ImageResolverOptions | undefined> {
  const lookups = await imageLookups(env, server);
  if (!lookups) return undefined;
  const allowedHosts = [...(server?.imageSources ?? []), ...lookups.registries.map((r) => r.host)];
  return { ...lookups, allowedHosts };
}
