import type { RedisOptions as BullRedisOptions, ConnectionOptions } from "bullmq";
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";

/** One `host:port` of a Sentinel or Cluster seed list. */
export interface RedisNode {
  host: string;
  port: number;
}

/** TLS towards Redis (and towards the sentinels): on when present. */
export interface RedisTls {
  /** PEM text of the CA that signed the servers' certificates; unset: the system's CAs. */
  ca?: string;
  /** The name the servers' certificates must carry, when it is not the host connected to. */
  servername?: string;
}

interface RedisAccess {
  /** ACL user; unset: `default`. */
  username?: string;
  password?: string;
  tls?: RedisTls;
}

/**
 * Where Zakenak's Redis is and how to reach it: one server (`REDIS_URL`), a master found through
 * Sentinel (`REDIS_SENTINELS`), or a Redis Cluster (`REDIS_CLUSTER_NODES`). Holds secrets: never log it.
 */
export type RedisTopology =
  | (RedisAccess & {
      kind: "server";
      /** `redis://` or `rediss://` URL: host, port and database (its credentials are in the fields). */
      url: string;
    })
  | (RedisAccess & {
      kind: "sentinel";
      sentinels: RedisNode[];
      /** The master's name as the sentinels know it. */
      master: string;
      sentinelUsername?: string;
      sentinelPassword?: string;
    })
  | (RedisAccess & { kind: "cluster"; nodes: RedisNode[] });

/** A plain client for Zakenak's own keys: one server's (also behind Sentinel) or a Cluster's. */
export type RedisClient = Redis | Cluster;

/** The URL as it may appear in messages: any password replaced. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(unparseable REDIS_URL)";
  }
}

const nodeList = (nodes: RedisNode[]) =>
  nodes.map((n) => (n.host.includes(":") ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(",");

/** Where Redis is, for messages: the topology and its addresses, never a password. */
export function describeRedis(topology: RedisTopology): string {
  switch (topology.kind) {
    case "server":
      return redactRedisUrl(topology.url);
    case "sentinel":
      return `Sentinel master "${topology.master}" via ${nodeList(topology.sentinels)}`;
    case "cluster":
      return `Redis Cluster via ${nodeList(topology.nodes)}`;
  }
}

/**
 * Parses a comma-separated `host:port` list (`[v6]:port` for IPv6 addresses); `what` names the input
 * in errors.
 */
export function parseRedisNodes(list: string, what: string): RedisNode[] {
  const nodes = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(entry);
      const port = Number(m?.[3]);
      if (!m || port < 1 || port > 65535) throw new Error(`${what}: "${entry}" is not host:port`);
      return { host: (m[1] ?? m[2]) as string, port };
    });
  if (nodes.length === 0) throw new Error(`${what}: no host:port given`);
  return nodes;
}

function tlsOptions(tls: RedisTls): NonNullable<RedisOptions["tls"]> {
  return {
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
  };
}

function access(topology: RedisTopology): RedisOptions {
  return {
    ...(topology.username !== undefined ? { username: topology.username } : {}),
    ...(topology.password !== undefined ? { password: topology.password } : {}),
    ...(topology.tls ? { tls: tlsOptions(topology.tls) } : {}),
  };
}

/**
 * ioredis options for one server, or for the master behind Sentinel (not for a Cluster: see
 * `clusterNodeOptions`). `maxRetriesPerRequest: null`, as BullMQ's blocking clients need.
 */
export function topologyRedisOptions(topology: RedisTopology): RedisOptions {
  switch (topology.kind) {
    case "server": {
      const url = new URL(topology.url);
      const db = url.pathname.replace(/^\//, "");
      return {
        host: url.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1",
        port: url.port ? Number(url.port) : 6379,
        ...(db ? { db: Number(db) } : {}),
        ...access(topology),
        maxRetriesPerRequest: null,
      };
    }
    case "sentinel": {
      const tls = topology.tls ? tlsOptions(topology.tls) : undefined;
      return {
        sentinels: topology.sentinels,
        name: topology.master,
        ...(topology.sentinelUsername !== undefined ? { sentinelUsername: topology.sentinelUsername } : {}),
        ...(topology.sentinelPassword !== undefined ? { sentinelPassword: topology.sentinelPassword } : {}),
        ...access(topology),
        // One TLS setting for the master and its sentinels.
        ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
        maxRetriesPerRequest: null,
      };
    }
    case "cluster":
      throw new Error("a Redis Cluster has no single-server options: use clusterNodeOptions");
  }
}

/** The options of a Cluster client, `redisOptions` carrying what each node connection needs. */
export function clusterNodeOptions(topology: Extract<RedisTopology, { kind: "cluster" }>): ClusterOptions {
  return { redisOptions: { ...access(topology), maxRetriesPerRequest: null } };
}

/**
 * A client of the topology, not yet connected unless ioredis connects it by itself (`lazyConnect`
 * unset). `options` go to the one-server client, or to a Cluster's node connections (and its
 * `enableOfflineQueue`); `cluster` to the Cluster client only.
 */
export function createRedisClient(
  topology: RedisTopology,
  options: RedisOptions = {},
  cluster: Omit<ClusterOptions, "redisOptions"> = {},
): RedisClient {
  if (topology.kind !== "cluster") return new Redis({ ...topologyRedisOptions(topology), ...options });
  const base = clusterNodeOptions(topology);
  const { enableOfflineQueue, lazyConnect, retryStrategy: _perNode, ...node } = options;
  return new Cluster(topology.nodes, {
    ...base,
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    ...cluster,
    redisOptions: { ...base.redisOptions, ...node },
  });
}

/** The key prefix of BullMQ's queues: one hash tag, so each queue's scripts touch keys of one Cluster slot. */
export const QUEUE_PREFIX = "{zakenak}";

/**
 * The prefix of Zakenak's own keys (locks, push claims, newest heads, audit log, drift state, job
 * steps): the same hash tag, so any command or script using several of them stays in one slot.
 */
export const KEY_PREFIX = "{zakenak}";

/** What BullMQ's Queue and Worker take as `connection`, and how to release it. */
export interface BullConnection {
  connection: ConnectionOptions;
  /** Closes the client made here (a Cluster's); BullMQ closes the connections it made itself. */
  close(): Promise<void>;
}

/**
 * How long a Cluster client of BullMQ's retries a command its node dropped or the cluster refused
 * (CLUSTERDOWN): 300 tries, 200 ms apart, about a minute, enough for a master to restart or its
 * replica to take over. It is what `maxRetriesPerRequest: null` does on one server: a worker's "job
 * completed" waits out the outage instead of failing, which would make BullMQ run the job again.
 */
export const BULL_CLUSTER_RETRIES = {
  maxRedirections: 300,
  retryDelayOnFailover: 200,
  retryDelayOnClusterDown: 200,
} as const satisfies Omit<ClusterOptions, "redisOptions">;

/**
 * BullMQ's `connection` for a topology: ioredis options for one server or Sentinel (BullMQ makes its
 * clients from them), a Cluster client for a Cluster (BullMQ's way; its blocking connection is a
 * duplicate) that waits out an outage (`BULL_CLUSTER_RETRIES`). Always with `maxRetriesPerRequest: null`.
 */
export function bullConnection(topology: RedisTopology): BullConnection {
  if (topology.kind !== "cluster") {
    // ioredis options as BullMQ types them (BullMQ hands them to ioredis as they are).
    return { connection: topologyRedisOptions(topology) as BullRedisOptions, close: async () => {} };
  }
  const cluster = createRedisClient(topology, {}, BULL_CLUSTER_RETRIES);
  return {
    connection: cluster,
    close: async () => {
      await cluster.quit().catch(() => cluster.disconnect());
    },
  };
}
