import { readFile } from "node:fs/promises";
import type { RegistryEntry } from "../config/registries-config.js";
import type { ServerConfig } from "../config/server-config.js";
import { ZakenakError } from "../errors.js";
import { harborAccessOf } from "./harbor/harbor-access.js";
import type { RegistryAccess } from "./registry-access.js";

/** The variable naming a file of registry settings (the server configuration's `registries:` format). */
export const REGISTRY_CONFIG_VARIABLE = "ZAKENAK_REGISTRY_CONFIG";

/**
 * The operator's registry settings with their secrets read: the entries of the file in
 * `ZAKENAK_REGISTRY_CONFIG`, then the server configuration's; for a host in both, the first wins. Read
 * once at start, so a variable or file that is missing stops the process with one line naming it.
 */
export async function loadRegistryAccess(
  env: NodeJS.ProcessEnv,
  server?: Pick<ServerConfig, "registries">,
): Promise<RegistryAccess[]> {
  const file = env[REGISTRY_CONFIG_VARIABLE];
  // The file's schemas load only when it is set: they cost every command that has none ~80 ms.
  const own = file
    ? await registryAccessOf(
        (await (await import("../config/load-server-config.js")).loadServerConfig(file)).registries,
        env,
        file,
      )
    : [];
  const fromServer = await registryAccessOf(server?.registries ?? [], env, "the server configuration");
  const known = new Set(own.map((r) => r.host.toLowerCase()));
  return [...own, ...fromServer.filter((r) => !known.has(r.host.toLowerCase()))];
}

/** Resolves entries to credentials: user names, passwords and CA certificates read from where they are named. */
export async function registryAccessOf(
  entries: readonly RegistryEntry[],
  env: NodeJS.ProcessEnv,
  source: string,
): Promise<RegistryAccess[]> {
  return Promise.all(
    entries.map(async (entry, i) => {
      const where = `${source}: registries[${i}] (${entry.host})`;
      const username =
        entry.username ?? (entry.usernameEnv ? variable(env, entry.usernameEnv, where) : undefined);
      const password = entry.passwordEnv
        ? variable(env, entry.passwordEnv, where)
        : entry.passwordFile
          ? (await file(entry.passwordFile, `${where}: passwordFile`)).replace(/\r?\n$/, "")
          : undefined;
      return {
        host: entry.host,
        ...(username !== undefined ? { username } : {}),
        ...(password !== undefined ? { password } : {}),
        ...(entry.caFile ? { ca: await file(entry.caFile, `${where}: caFile`) } : {}),
        ...(entry.plainHttp ? { plainHttp: true } : {}),
        ...(entry.harbor ? { harbor: harborAccessOf(entry.harbor, entry.host, entry.plainHttp) } : {}),
      };
    }),
  );
}

function variable(env: NodeJS.ProcessEnv, name: string, where: string): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new ZakenakError("config-invalid", `${where}: the environment variable ${name} is not set`);
  }
  return value;
}

async function file(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new ZakenakError("config-invalid", `${what}: cannot read ${path}: ${reason}`, { cause });
  }
}
