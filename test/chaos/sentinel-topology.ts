// The Sentinel topology of the Redis fault scenarios: a master and one replica, both with AOF on
// (`appendfsync always`, as the README recommends), watched by three sentinels (quorum 2). The fault
// kills the master with SIGKILL, so the sentinels find it down and promote the replica themselves; a
// `SENTINEL FAILOVER` would be the gentle case of the same thing (a planned switch, the master alive to
// be reconfigured), while a crashed master is what a failover is for.
//
// What a killed master can take with it: replication is asynchronous, so a write the master answered
// may not have reached the replica when the master dies, and the promoted replica never had it. A
// delivery answered 202 just before the kill can therefore be lost on Sentinel, even with AOF on both
// nodes (the old master's AOF holds it, but the old master comes back as a replica and resyncs from the
// new one, dropping it). On one host over loopback the replica is normally less than a millisecond
// behind and the reply to the client and the stream to the replica leave in the same event-loop turn,
// so the scenario loses nothing in practice; it cannot be a guarantee, and README "Redis topologies"
// says so. Zakenak does not wait for replicas (`WAIT`) after queueing a delivery.
//
// The harness's own REDIS_URL (its queue client, which nothing in the burst writes through) is the first
// master; the zakenak processes get REDIS_SENTINELS and an empty REDIS_URL (dropped as unset).
import type { Redis, RedisOptions } from "ioredis";
import { createRedisClient, type RedisNode } from "../../src/queue/redis-topology.js";
import { waitFor } from "../support/cluster-kit.js";
import { type SentinelTopology, startRedisSentinel } from "../support/redis-topologies.js";
import type { RedisFaultTopology } from "./redis-fault-burst.js";

/**
 * A master, its replica and three sentinels, AOF `appendfsync always` on both data nodes. `fault()`
 * kills the master (SIGKILL); `recover()` waits until the sentinels name the promoted replica and it
 * takes writes, then starts the old master again as a replica of the new one (as a crashed pod comes
 * back), so the topology has a replica again.
 */
export async function sentinelFailover(): Promise<RedisFaultTopology> {
  // Found down after 1.5 s without an answer; a leader election the sentinels split is tried again 6 s
  // later rather than 20: the failover fits in the burst even when the first election fails.
  const sentinel: SentinelTopology = await startRedisSentinel({
    appendfsync: "always",
    downAfterMs: 1500,
    failoverTimeoutMs: 3000,
  });
  const clients: Redis[] = [];
  const first = await sentinel.master();
  let killed: RedisNode | undefined;
  const sentinelClient = (options: RedisOptions) => {
    const client = createRedisClient(sentinel.topology, options) as Redis;
    client.on("error", () => {});
    return client;
  };

  return {
    name: "Sentinel: master and replica with AOF appendfsync always, 3 sentinels; master SIGKILLed",
    redisUrl: `redis://${first.host}:${first.port}`,
    env: { REDIS_URL: "", ...sentinel.env },
    client() {
      // Through the sentinels, so the checks follow the failover as the bot does.
      const client = sentinelClient({ maxRetriesPerRequest: null });
      clients.push(client);
      return client;
    },
    async fault() {
      killed = await sentinel.master();
      await sentinel.kill(killed);
    },
    async recover() {
      const old = killed;
      if (!old) throw new Error("recover() before fault()");
      await waitFor(
        "the sentinels to promote the replica",
        async () => {
          const now = await sentinel.master();
          return now.port !== old.port;
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      // The new master serves once a client that asks the sentinels can write to it.
      const probe = sentinelClient({ lazyConnect: true, maxRetriesPerRequest: 0 });
      try {
        await waitFor(
          "the promoted master to take writes",
          async () => {
            if (probe.status !== "ready") await probe.connect().catch(() => probe.disconnect());
            return (await probe.set("{zakenak}:chaos:failover-probe", String(Date.now()))) === "OK";
          },
          { timeoutMs: 120_000, intervalMs: 100 },
        );
      } finally {
        probe.disconnect();
      }
      await sentinel.restart(old);
      killed = undefined;
    },
    async stop() {
      for (const client of clients) client.disconnect();
      await sentinel.stop();
    },
  };
}
