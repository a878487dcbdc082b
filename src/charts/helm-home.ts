import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RegistryAccess } from "../registry/registry-access.js";

/**
 * A throw-away Helm home for one pull: helm reads no configuration, repository list or registry login of
 * the user running Zakenak, only the operator's credentials written here (files private to the user, in
 * a directory removed after the pull; a password never goes on a command line, where `ps` shows it).
 */
export interface HelmHome {
  env: NodeJS.ProcessEnv;
  /** `--registry-config`: a Docker-style config holding the registry's credentials, if any. */
  registryConfig: string;
  repositoryConfig: string;
  repositoryCache: string;
  /** `--ca-file` arguments for the registry's own CA, if it has one. */
  caArgs: string[];
  out: string;
}

export async function helmHome(dir: string, access: RegistryAccess): Promise<HelmHome> {
  for (const sub of ["config", "cache", "data", "out"])
    await mkdir(join(dir, sub), { recursive: true, mode: 0o700 });
  const registryConfig = join(dir, "config", "registry.json");
  const auths =
    access.username !== undefined && access.password !== undefined
      ? { [access.host]: { auth: Buffer.from(`${access.username}:${access.password}`).toString("base64") } }
      : {};
  await writeFile(registryConfig, JSON.stringify({ auths }), { mode: 0o600 });
  let caArgs: string[] = [];
  if (access.ca !== undefined) {
    const caFile = join(dir, "config", "ca.pem");
    await writeFile(caFile, access.ca, { mode: 0o600 });
    caArgs = ["--ca-file", caFile];
  }
  const env: NodeJS.ProcessEnv = { GOGC: "400" };
  for (const [key, value] of Object.entries(process.env)) {
    // The user's HELM_* settings would point helm at their own registry logins and repositories.
    if (!key.startsWith("HELM_")) env[key] = value;
  }
  Object.assign(env, {
    HELM_CONFIG_HOME: join(dir, "config"),
    HELM_CACHE_HOME: join(dir, "cache"),
    HELM_DATA_HOME: join(dir, "data"),
    HELM_NO_PLUGINS: "1",
  });
  return {
    env,
    registryConfig,
    repositoryConfig: join(dir, "config", "repositories.yaml"),
    repositoryCache: join(dir, "cache", "repository"),
    caArgs,
    out: join(dir, "out"),
  };
}
