import { imageCheckConfig } from "../config/image-check-config.js";
import type { ServerConfig } from "../config/server-config.js";
import type { ImageResolverOptions } from "../registry/image-resolver.js";
import { loadRegistryAccess } from "../registry/load-registry-access.js";

/**
 * How plans look images up, read once at start: ZAKENAK_IMAGE_CHECK and its deadline from the environment,
 * registry credentials from ZAKENAK_REGISTRY_CONFIG and the server configuration. Undefined: switched off.
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
