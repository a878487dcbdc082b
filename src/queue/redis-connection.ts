import type { RedisOptions } from "bullmq";
import { Redis } from "ioredis";
import {
  type BullConnection,
  bullConnection,
  createRedisClient,
  type RedisClient,
  type RedisTopology,
} from "./redis-topology.js";

/**
 * Where Redis is: a topology (`loadEnvConfig`'s `redis`), a `redis://` / `rediss://` URL, or ioredis
 * options (as BullMQ types them) for one server or a Sentinel-watched master.
 */
export type RedisConnection = RedisTopology | RedisOptions | string;

function isTopology(connection: RedisConnection): connection is RedisTopology {
  return typeof connection !== "string" && typeof connection.kind === "string";
}

/** The topology of a URL: one server, the URL's own user and password as its credentials. */
export function urlTopology(connection: string): RedisTopology {
  const url = new URL(connection);
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new Error(`Redis URL must start with redis:// or rediss://, got ${url.protocol}//`);
  }
  return {
    kind: "server",
    url: connection,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

/**
 * ioredis options for a one-server connection. BullMQ's blocking clients need
 * `maxRetriesPerRequest: null`, so the options given to BullMQ always carry it.
 */
export function redisOptions(connection: RedisOptions | string): RedisOptions {
  if (typeof connection !== "string") return { ...connection, maxRetriesPerRequest: null };
  const url = new URL(connection);
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new Error(`Redis URL must start with redis:// or rediss://, got ${url.protocol}//`);
  }
  const db = url.pathname.replace(/^\//, "");
  return {
    host: url.hostname || "127.0.0.1",
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** BullMQ's `connection` for any of the forms; `close()` releases what was made for it. */
export function openBullConnection(connection: RedisConnection): BullConnection {
  if (isTopology(connection)) return bullConnection(connection);
  return { connection: redisOptions(connection), close: async () => {} };
}

/** A plain client for Zakenak's own keys (audit log, newest PR heads, locks). */
export function openRedis(connection: RedisConnection): RedisClient {
  // Commands issued during a Redis blip fail after a few tries instead of hanging the job forever.
  if (isTopology(connection)) return createRedisClient(connection, { maxRetriesPerRequest: 3 });
  return new Redis({ ...redisOptions(connection), maxRetriesPerRequest: 3 });
}
