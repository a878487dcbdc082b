// What Zakenak's two kinds of Redis Cluster clients do while the master of the `{zakenak}` slot is down:
// intake's (connectRedis) fails a command at once, so a delivery is answered 503 without delay; BullMQ's
// (bullConnection) keeps the command until the master is back, so a worker's "job completed" is not
// lost to the outage (which would make BullMQ run the job a second time).
import { type Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  bullConnection,
  QUEUE_PREFIX,
  type RedisClient,
  type RedisNode,
} from "../../src/queue/redis-topology.js";
import { connectRedis } from "../../src/server/connect-redis.js";
import { waitFor } from "../support/cluster-kit.js";
import { type ClusterTopology, startRedisCluster } from "../support/redis-topologies.js";

let cluster: ClusterTopology;
beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3, appendfsync: "always" });
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
});

it("fails intake's commands at once and holds BullMQ's until the slot's master is back", async () => {
  if (cluster.topology.kind !== "cluster") throw new Error("startRedisCluster gave no cluster topology");
  const key = `${QUEUE_PREFIX}:outage-test`;
  const intake: RedisClient = await connectRedis(cluster.topology);
  intake.on("error", () => {});
  const bull = bullConnection(cluster.topology);
  const worker = bull.connection as Cluster;
  worker.on("error", () => {});
  worker.on("node error", () => {});
  try {
    await worker.set(key, "before");
    expect(await intake.get(key)).toBe("before");
    const home = await cluster.nodeOf(QUEUE_PREFIX);
    await cluster.kill(home);

    // Intake: an error of the dropped node or of the cluster, not ioredis's retries running out.
    const refused = await intake.get(key).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(refused?.message).toBeDefined();
    expect(refused?.message).not.toMatch(/Too many Cluster redirections/);

    // BullMQ: the write is held while the cluster finds the master down (its node timeout, 5 s, longer
    // than ioredis's default retries would last) and done once it is back.
    const held = worker.set(key, "after");
    const outcome = held.then(
      () => "written",
      (error: Error) => error.message,
    );
    const others = cluster.nodes.filter((n) => n.port !== home.port);
    await waitFor(
      "the other masters to report the cluster down",
      async () => {
        const states = await Promise.all(others.map(clusterState));
        return states.every((s) => s === "fail");
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    await cluster.restart(home);
    expect(await outcome).toBe("written");
    expect(await worker.get(key)).toBe("after");
  } finally {
    intake.disconnect();
    await bull.close();
  }
}, 180_000);

/** `cluster_state` as one node reports it. */
async function clusterState(node: RedisNode): Promise<string> {
  const client = new Redis({
    ...node,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const info = String(await client.call("CLUSTER", "INFO"));
    return /cluster_state:(\w+)/.exec(info)?.[1] ?? "unknown";
  } finally {
    client.disconnect();
  }
}
