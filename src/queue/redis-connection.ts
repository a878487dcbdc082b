import type { RedisOptions } from "bullmq";
import { Redis } from "ioredis";

/** Where Redis is: ioredis options (as BullMQ types them), or a `redis://` / `rediss://` URL. */
export type RedisConnection = RedisOptions | string;

/**
 * ioredis options for a connection. BullMQ's blocking clients need `maxRetriesPerRequest: null`, so the
 * options given to BullMQ always carry it.
 */
export function redisOptions(connection: RedisConnection): RedisOptions {
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

/** A plain client for Zakenak's own keys (audit log, newest PR heads, locks). */
export function openRedis(connection: RedisConnection): Redis {
  // Commands issued during a Redis blip fail after a few tries instead of hanging the job forever.
  return new Redis({ ...redisOptions(connection), maxRetriesPerRequest: 3 });
}
