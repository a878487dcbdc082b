import { readFileSync } from "node:fs";
import { parseRedisNodes, type RedisTls, type RedisTopology } from "../queue/redis-topology.js";
import { envInvalid } from "./env-invalid.js";
import type { RawEnv } from "./raw-env.js";

/** Where Redis is when no topology variable is set. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** The variables that choose the topology: at most one may be set. */
const TOPOLOGY_VARIABLES = ["REDIS_URL", "REDIS_SENTINELS", "REDIS_CLUSTER_NODES"] as const;

const SENTINEL_ONLY = [
  "REDIS_SENTINEL_MASTER",
  "REDIS_SENTINEL_USERNAME",
  "REDIS_SENTINEL_PASSWORD",
] as const;

/**
 * Reads the Redis topology from the environment (empty variables already dropped): `REDIS_URL` for one
 * server (the default, `redis://127.0.0.1:6379`), `REDIS_SENTINELS` + `REDIS_SENTINEL_MASTER` for a
 * master watched by Sentinel, `REDIS_CLUSTER_NODES` for a Redis Cluster; then `REDIS_USERNAME`,
 * `REDIS_PASSWORD` (over a URL's own), `REDIS_TLS` (implied by `rediss://`), `REDIS_TLS_CA_FILE`,
 * `REDIS_TLS_SERVERNAME`. Throws `config-invalid` naming the variable; never echoes a password.
 */
export function readRedisEnv(env: RawEnv): RedisTopology {
  const chosen = TOPOLOGY_VARIABLES.filter((name) => env[name] !== undefined);
  if (chosen.length > 1) {
    throw envInvalid(
      chosen[1] as string,
      `set only one of ${TOPOLOGY_VARIABLES.join(", ")} (${chosen.join(" and ")} are set)`,
    );
  }
  if (env.REDIS_SENTINELS === undefined) {
    const stray = SENTINEL_ONLY.find((name) => env[name] !== undefined);
    if (stray !== undefined) throw envInvalid(stray, "only applies with REDIS_SENTINELS");
  }
  const url =
    chosen.length === 0 || chosen[0] === "REDIS_URL" ? (env.REDIS_URL ?? DEFAULT_REDIS_URL) : undefined;
  if (url !== undefined && !(/^rediss?:\/\//.test(url) && URL.canParse(url))) {
    throw envInvalid("REDIS_URL", "must be a redis:// or rediss:// URL");
  }
  const fromUrl = url !== undefined ? new URL(url) : undefined;
  const username =
    env.REDIS_USERNAME ?? (fromUrl?.username ? decodeURIComponent(fromUrl.username) : undefined);
  const password =
    env.REDIS_PASSWORD ?? (fromUrl?.password ? decodeURIComponent(fromUrl.password) : undefined);
  const tls = readTls(env, fromUrl?.protocol === "rediss:");
  const access = {
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(tls !== undefined ? { tls } : {}),
  };
  if (url !== undefined) return { kind: "server", url, ...access };
  if (env.REDIS_SENTINELS !== undefined) {
    const master = env.REDIS_SENTINEL_MASTER;
    if (master === undefined) throw envInvalid("REDIS_SENTINEL_MASTER", "must be set with REDIS_SENTINELS");
    return {
      kind: "sentinel",
      sentinels: nodes(env.REDIS_SENTINELS, "REDIS_SENTINELS"),
      master,
      ...(env.REDIS_SENTINEL_USERNAME !== undefined ? { sentinelUsername: env.REDIS_SENTINEL_USERNAME } : {}),
      ...(env.REDIS_SENTINEL_PASSWORD !== undefined ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {}),
      ...access,
    };
  }
  return { kind: "cluster", nodes: nodes(env.REDIS_CLUSTER_NODES ?? "", "REDIS_CLUSTER_NODES"), ...access };
}

function nodes(list: string, variable: string) {
  try {
    return parseRedisNodes(list, variable);
  } catch (error) {
    throw envInvalid(variable, (error as Error).message.replace(`${variable}: `, ""));
  }
}

function readTls(env: RawEnv, rediss: boolean): RedisTls | undefined {
  const raw = env.REDIS_TLS?.toLowerCase();
  if (raw !== undefined && !["true", "false", "1", "0"].includes(raw)) {
    throw envInvalid("REDIS_TLS", "must be true or false");
  }
  const off = raw === "false" || raw === "0";
  if (off && rediss) throw envInvalid("REDIS_TLS", "is false but REDIS_URL is rediss://");
  const on = rediss || raw === "true" || raw === "1";
  for (const name of ["REDIS_TLS_CA_FILE", "REDIS_TLS_SERVERNAME"] as const) {
    if (!on && env[name] !== undefined)
      throw envInvalid(name, "needs REDIS_TLS=true (or a rediss:// REDIS_URL)");
  }
  if (!on) return undefined;
  const file = env.REDIS_TLS_CA_FILE;
  return {
    ...(file !== undefined ? { ca: readCa(file) } : {}),
    ...(env.REDIS_TLS_SERVERNAME !== undefined ? { servername: env.REDIS_TLS_SERVERNAME } : {}),
  };
}

function readCa(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw envInvalid("REDIS_TLS_CA_FILE", `cannot read ${file}: ${code}`);
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw envInvalid("REDIS_TLS_CA_FILE", `${file} holds no PEM certificate`);
  }
  return pem;
}
