// The Redis Cluster topology of the Redis fault scenarios: three masters (no replicas), AOF on with
// `appendfsync always`. Every key Zakenak and BullMQ write carries the hash tag `{zakenak}`, so all of
// them live on the one master serving that slot; the fault kills that master with SIGKILL and the
// recovery starts it again on its ports and files (its nodes.conf keeps its identity and slots, its AOF
// the data). With no replica there is no failover: the slot is down until the master is back, and the
// cluster reports `cluster_state:fail` meanwhile if the outage outlasts the node timeout. That is the
// same outage as one server restarted, seen through a Cluster client (slot map refreshes, MOVED-free
// reconnection to the same node), which is what this scenario adds.
//
// The harness's own REDIS_URL (its queue client, which nothing in the burst uses) is that master; the
// zakenak processes get REDIS_CLUSTER_NODES and an empty REDIS_URL (dropped as unset).
import type { Cluster } from "ioredis";
import { createRedisClient, QUEUE_PREFIX, type RedisNode } from "../../src/queue/redis-topology.js";
import { type ClusterTopology, startRedisCluster } from "../support/redis-topologies.js";
import type { RedisFaultTopology } from "./redis-fault-burst.js";

/**
 * Three Redis Cluster masters with AOF `appendfsync always`. `fault()` kills the master holding the
 * `{zakenak}` slot (SIGKILL); `recover()` starts it again and waits until every node reports
 * `cluster_state:ok`.
 */
export async function restartedClusterMaster(): Promise<RedisFaultTopology> {
  const cluster: ClusterTopology = await startRedisCluster({ masters: 3, appendfsync: "always" });
  const clients: Cluster[] = [];
  let home: RedisNode;
  try {
    home = await cluster.nodeOf(QUEUE_PREFIX);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return {
    name: "Redis Cluster: 3 masters with AOF appendfsync always; the {zakenak} slot's master SIGKILLed and restarted",
    redisUrl: `redis://${home.host}:${home.port}`,
    env: { REDIS_URL: "", ...cluster.env },
    client() {
      const client = createRedisClient(cluster.topology, { maxRetriesPerRequest: null }) as Cluster;
      client.on("error", () => {});
      client.on("node error", () => {});
      clients.push(client);
      return client;
    },
    fault: () => cluster.kill(home),
    recover: () => cluster.restart(home),
    async stop() {
      for (const client of clients) client.disconnect();
      await cluster.stop();
    },
  };
}
