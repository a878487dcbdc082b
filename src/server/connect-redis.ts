import { Redis } from "ioredis";
import { ZakenakError } from "../errors.js";
import { urlTopology } from "../queue/redis-connection.js";
import {
  createRedisClient,
  describeRedis,
  type RedisClient,
  type RedisTopology,
  redactRedisUrl,
} from "../queue/redis-topology.js";

export { redactRedisUrl };

/**
 * Connects once, failing fast: an unreachable Redis at start is a configuration problem, reported as
 * one line (`cannot reach Redis at …: <reason>`, naming the topology, never a password) instead of
 * endless reconnect attempts. Once connected, a later blip reconnects with capped backoff (through
 * the sentinels again, or the cluster's slot map), and commands fail at once while disconnected (no
 * offline queue, and no resending of commands the connection dropped unanswered), so intake answers 503
 * instead of hanging until the host gives up. `target` is a topology or a `redis://` / `rediss://` URL.
 */
export async function connectRedis(
  target: RedisTopology | string,
  opts: { connectTimeoutMs?: number } = {},
): Promise<RedisClient> {
  const topology = typeof target === "string" ? urlTopology(target) : target;
  const redis = createRedisClient(
    topology,
    {
      lazyConnect: true,
      enableOfflineQueue: false,
      // Commands that concurrent requests issue in the same tick go out in one write.
      enableAutoPipelining: true,
      // A command sent when the connection drops fails at once rather than wait to be resent.
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      sentinelRetryStrategy: () => null,
      connectTimeout: opts.connectTimeoutMs ?? 5000,
    },
    // A Cluster's command on a dropped node, or refused with CLUSTERDOWN, fails at once too (by default
    // it is tried again 16 times, 100 ms apart).
    { clusterRetryStrategy: () => null, retryDelayOnFailover: 0, retryDelayOnClusterDown: 0 },
  );
  let lastError: Error | undefined;
  const remember = (error: Error) => {
    lastError = error;
  };
  redis.on("error", remember);
  redis.on("node error", remember);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const failure = lastError ?? (error as Error);
    // A Cluster's "Failed to refresh slots cache." carries the reason a node gave (WRONGPASS, …).
    const node = (failure as { lastNodeError?: Error }).lastNodeError;
    const reason = node ? `${failure.message.replace(/\.$/, "")}: ${node.message}` : failure.message;
    throw new ZakenakError(
      "redis-unavailable",
      `cannot reach Redis at ${describeRedis(topology)}: ${reason}`,
      {
        retryable: true,
        cause: error,
      },
    );
  } finally {
    redis.off("error", remember);
    redis.off("node error", remember);
  }
  const backoff = (times: number) => Math.min(times * 200, 5000);
  if (redis instanceof Redis) {
    redis.options.retryStrategy = backoff;
    redis.options.sentinelRetryStrategy = backoff;
  } else {
    redis.options.clusterRetryStrategy = backoff;
  }
  return redis;
}
