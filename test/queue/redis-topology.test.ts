import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Job, Queue } from "bullmq";
import { type Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_AUDIT_KEY, redisAuditLog } from "../../src/audit/audit-log.js";
import { type EnvConfig, loadEnvConfig } from "../../src/config/env-config.js";
import { listDriftStates, writeDriftState } from "../../src/drift/drift-state.js";
import { isZakenakError } from "../../src/errors.js";
import type { RepoRef } from "../../src/hosts/host-event.js";
import { DELIVERY_QUEUE, deliveryJobId } from "../../src/queue/delivery-queue.js";
import { NewestHeads } from "../../src/queue/newest-heads.js";
import { claimPush, pushClaimedBy } from "../../src/queue/push-claim.js";
import { withRedisMutex } from "../../src/queue/redis-mutex.js";
import {
  KEY_PREFIX,
  QUEUE_PREFIX,
  type RedisClient,
  type RedisTopology,
} from "../../src/queue/redis-topology.js";
import { connectRedis } from "../../src/server/connect-redis.js";
import { createApp } from "../../src/server/create-app.js";
import { createLogger } from "../../src/server/create-logger.js";
import { createMetrics } from "../../src/server/metrics.js";
import { type RunningServer, startServer } from "../../src/server/start-server.js";
import { hostsFromConfig } from "../../src/workers/hosts-from-config.js";
import { type RunningWorkers, startWorkers } from "../../src/workers/start-workers.js";
import {
  type ClusterTopology,
  type SentinelTopology,
  type ServerTopology,
  startRedisCluster,
  startRedisSentinel,
  startRedisServerWith,
} from "../support/redis-topologies.js";
import { startStrictHttpFake } from "../support/strict-http-fake.js";

const TEXT = { "content-type": "text/plain; charset=utf-8" };

const SECRET = "topology-hook-secret";
const PASSWORD = "topology-redis-pw-7f3a";
const GITLAB = {
  GITLAB_URL: "https://gitlab.example.com",
  GITLAB_TOKEN: "glpat-topology",
  GITLAB_WEBHOOK_SECRET: SECRET,
};
const repo: RepoRef = { host: "gitlab", fullName: "acme/platform" };

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(last ?? "")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Maps only `main`: the fixture's push to `develop` deploys nothing, so its job completes as skipped. */
const ZAKENAK_YAML = `environments:
  - name: prod
    branch: main
releases:
  - name: app
    manifests: deploy
    environments: [prod]
`;

const FILES = "/api/v4/projects/42/repository/files/.zakenak.yaml/raw";

/** GitLab's push of `sha` to `develop` (the fixture's project, id 42). */
function push(deliveryId: string, sha: string) {
  const payload = JSON.parse(readFileSync(new URL("../fixtures/gitlab/push.json", import.meta.url), "utf8"));
  payload.after = sha;
  return {
    method: "POST",
    body: JSON.stringify(payload),
    headers: {
      "content-type": "application/json",
      "x-gitlab-event": "Push Hook",
      "x-gitlab-token": SECRET,
      "x-gitlab-event-uuid": deliveryId,
    },
  };
}

/** Intake and workers wired as `zakenak serve` wires them, on the given Redis environment. */
interface Bot {
  config: EnvConfig;
  connection: RedisClient;
  queue: Queue;
  /** POSTs one delivery until intake takes it (202), as a host redelivering would; its job id. */
  deliver(): Promise<string>;
  /** Waits for the job to complete and returns its result. */
  completed(jobId: string): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Intake and workers on `redisEnv`; GitLab is a strict fake answering the reads a push makes: the
 * default branch's `.zakenak.yaml`, and none at the pushed commit.
 */
async function startBot(redisEnv: Record<string, string>): Promise<Bot> {
  const gitlab = await startStrictHttpFake();
  const config = loadEnvConfig({ PORT: "0", ...GITLAB, GITLAB_URL: gitlab.url, ...redisEnv });
  const connection = await connectRedis(config.redis);
  connection.on("error", () => {});
  const queue = new Queue(DELIVERY_QUEUE, { connection, prefix: QUEUE_PREFIX });
  queue.on("error", () => {});
  const logger = createLogger("silent");
  const app = await createApp({
    config,
    queue,
    logger,
    metrics: createMetrics(),
    readiness: async () => [],
    allowed: () => true,
  });
  const server: RunningServer = await startServer(app, { port: 0, host: "127.0.0.1" });
  const cacheDir = mkdtempSync(join(tmpdir(), "zakenak-topology-cache-"));
  const workers: RunningWorkers = await startWorkers({
    connection: config.redis,
    hostFor: hostsFromConfig(config),
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    cacheDir,
    signals: [],
  });
  const url = `http://127.0.0.1:${server.port}/api/gitlab/webhooks`;
  const shas = new Map<string, string>();
  return {
    config,
    connection,
    queue,
    async deliver() {
      const id = randomUUID();
      const sha = randomBytes(20).toString("hex");
      // A retried job reads again: a few answers each.
      gitlab.expect(
        { method: "GET", path: FILES, query: { ref: "main" }, raw: ZAKENAK_YAML, headers: TEXT, times: 5 },
        {
          method: "GET",
          path: FILES,
          query: { ref: sha },
          status: 404,
          json: { message: "404 File Not Found" },
          times: 5,
        },
      );
      await waitFor("intake to accept the delivery", async () => {
        const res = await fetch(url, push(id, sha));
        if (res.status === 202) return true;
        throw new Error(`${res.status} ${await res.text()}`);
      });
      const jobId = deliveryJobId({ host: "gitlab", id });
      shas.set(jobId, sha);
      return jobId;
    },
    async completed(jobId) {
      const job = await waitFor("the job to complete", async () => {
        const found: Job | undefined = await queue.getJob(jobId);
        if (found && (await found.getState()) === "failed")
          throw new Error(`job failed: ${found.failedReason}`);
        if (!found || !(await found.isCompleted())) return undefined;
        // Read again: the job read above may predate the result the worker wrote on completing it.
        return (await queue.getJob(jobId)) ?? undefined;
      });
      // The worker went the whole way: it read the pushed commit's own configuration.
      const sha = shas.get(jobId);
      expect(gitlab.requests.some((r) => r.path === FILES && r.query.ref === sha)).toBe(true);
      return job.returnvalue;
    },
    async close() {
      await server.close();
      await workers.close();
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
      await gitlab.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** The one line connectRedis fails with, checked to carry no password. */
async function connectFailure(topology: RedisTopology, ...secrets: string[]): Promise<string> {
  try {
    const client = await connectRedis(topology, { connectTimeoutMs: 2000 });
    client.disconnect();
  } catch (error) {
    expect(isZakenakError(error) && error.code === "redis-unavailable").toBe(true);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    for (const secret of secrets) expect(message).not.toContain(secret);
    return message;
  }
  throw new Error("connectRedis connected");
}

describe("Redis Sentinel (master + replica + 3 sentinels, with a password)", () => {
  let sentinel: SentinelTopology;
  let bot: Bot;
  beforeAll(async () => {
    sentinel = await startRedisSentinel({ password: PASSWORD });
    bot = await startBot(sentinel.env);
  }, 180_000);
  afterAll(async () => {
    await bot?.close();
    await sentinel?.stop();
  }, 60_000);

  it("takes a delivery from intake to a worker through the master the sentinels name", async () => {
    expect(await bot.completed(await bot.deliver())).toEqual({ result: "skipped", environments: [] });
    const master = await sentinel.master();
    const direct = new Redis({ ...master, password: PASSWORD });
    try {
      expect(await direct.exists(`${QUEUE_PREFIX}:${DELIVERY_QUEUE}:meta`)).toBe(1);
    } finally {
      direct.disconnect();
    }
  });

  it("follows a failover: intake, workers and the plain client reach the new master", async () => {
    const before = await sentinel.master();
    const promoted = await sentinel.failover();
    expect(promoted.port).not.toBe(before.port);
    const jobId = await bot.deliver();
    expect(await bot.completed(jobId)).toEqual({ result: "skipped", environments: [] });
    // Zakenak's own keys are written on the new master.
    const push = { repo, ref: "refs/heads/main", sha: randomUUID().replaceAll("-", "") };
    expect(await waitFor("a push claim", () => claimPush(bot.connection, KEY_PREFIX, push, "job-1"))).toBe(
      "job-1",
    );
    const direct = new Redis({ ...promoted, password: PASSWORD });
    try {
      expect((await direct.call("ROLE")) as unknown[]).toContain("master");
      expect(await pushClaimedBy(direct, KEY_PREFIX, push)).toBe("job-1");
    } finally {
      direct.disconnect();
    }
  });

  it("refuses a wrong password with one line naming the Sentinel master, no password in it", async () => {
    const wrong = { ...sentinel.topology, password: "not-the-password-123" };
    expect(await connectFailure(wrong, PASSWORD, "not-the-password-123")).toMatch(
      /^cannot reach Redis at Sentinel master "zakenak-master" via 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+: WRONGPASS/,
    );
  });
});

describe("Redis Cluster (3 masters, with a password)", () => {
  let cluster: ClusterTopology;
  let bot: Bot;
  beforeAll(async () => {
    cluster = await startRedisCluster({ password: PASSWORD });
    bot = await startBot(cluster.env);
  }, 180_000);
  afterAll(async () => {
    await bot?.close();
    await cluster?.stop();
  }, 60_000);

  it("takes a delivery from intake to a worker", async () => {
    expect(await bot.completed(await bot.deliver())).toEqual({ result: "skipped", environments: [] });
  });

  it("runs the environment mutex, push claims, newest heads, audit log and drift state without CROSSSLOT", async () => {
    const redis = bot.connection;
    const events: string[] = [];
    const key = `${KEY_PREFIX}:drift:run:gitlab:acme/platform:prod`;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = withRedisMutex(redis, key, async () => {
      events.push("first in");
      await gate;
      events.push("first out");
    });
    await waitFor("the first holder", async () => (events.length > 0 ? true : undefined));
    const second = withRedisMutex(redis, key, async () => void events.push("second in"), { pollMs: 10 });
    expect(await redis.exists(key)).toBe(1);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(["first in", "first out", "second in"]);

    const push = { repo, ref: "refs/heads/main", sha: "a".repeat(40) };
    expect(await claimPush(redis, KEY_PREFIX, push, "webhook-job")).toBe("webhook-job");
    expect(await claimPush(redis, KEY_PREFIX, push, "poll-job")).toBe("webhook-job");
    expect(await pushClaimedBy(redis, KEY_PREFIX, push)).toBe("webhook-job");

    const heads = new NewestHeads(redis, KEY_PREFIX);
    const pr = NewestHeads.pullRequest(repo, 7);
    expect(await heads.offer(pr, "bbb", 2_000)).toBe(true);
    expect(await heads.offer(pr, "aaa", 1_000)).toBe(false);

    const audit = redisAuditLog(redis);
    await audit.record({
      actor: "alice",
      action: "apply",
      repo: repo.fullName,
      host: "gitlab",
      result: "succeeded",
    });
    expect((await audit.read())[0]).toMatchObject({ actor: "alice", action: "apply" });
    await writeDriftState(redis, {
      repository: repo.fullName,
      environment: "prod",
      host: "gitlab",
      status: "in-sync",
      objects: [],
      checkedAt: new Date().toISOString(),
      nextCheckAt: new Date().toISOString(),
    });
    expect(await listDriftStates(redis)).toHaveLength(1);

    // Every key Zakenak and BullMQ wrote carries the hash tag, so all sit in one slot, on one master;
    // a transaction over several of them is accepted.
    const keys = (await Promise.all((redis as Cluster).nodes("master").map((n) => n.keys("*")))).filter(
      (k) => k.length > 0,
    );
    expect(keys).toHaveLength(1);
    const all = keys[0] as string[];
    expect(all.every((k) => k.startsWith(`${KEY_PREFIX}:`))).toBe(true);
    expect(all).toEqual(
      expect.arrayContaining([DEFAULT_AUDIT_KEY, `${QUEUE_PREFIX}:${DELIVERY_QUEUE}:meta`]),
    );
    const claim = all.find((k) => k.startsWith(`${KEY_PREFIX}:push:`)) as string;
    expect(await redis.multi().exists(DEFAULT_AUDIT_KEY).exists(claim).exec()).toEqual([
      [null, 1],
      [null, 1],
    ]);
    // Without the tag, the same transaction spans slots and Redis Cluster refuses it.
    await expect(
      redis.multi().set("zakenak:audit", "1").set("zakenak:drift:states", "1").exec(),
    ).rejects.toThrow(/CROSSSLOT|same slot/);
  });

  it("refuses a wrong password with one line naming the cluster, no password in it", async () => {
    const wrong = { ...cluster.topology, password: "not-the-password-123" };
    expect(await connectFailure(wrong, PASSWORD, "not-the-password-123")).toMatch(
      /^cannot reach Redis at Redis Cluster via 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+: .*WRONGPASS/,
    );
  });
});

describe("one server with a password and TLS", () => {
  let server: ServerTopology;
  beforeAll(async () => {
    server = await startRedisServerWith({ password: true, tls: true });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("takes a delivery from intake to a worker over TLS, the server checked against the CA", async () => {
    const bot = await startBot(server.env);
    try {
      expect(await bot.completed(await bot.deliver())).toEqual({ result: "skipped", environments: [] });
    } finally {
      await bot.close();
    }
  });

  it("refuses a certificate that is not for the name connected to", async () => {
    const topology = {
      ...server.topology,
      tls: { ...server.topology.tls, servername: "other.zakenak.test" },
    };
    expect(await connectFailure(topology, server.env.REDIS_PASSWORD as string)).toMatch(
      /^cannot reach Redis at rediss:\/\/127\.0\.0\.1:\d+: .*other\.zakenak\.test/,
    );
  });

  it("refuses a wrong password with one line naming the URL, no password in it", async () => {
    const topology = { ...server.topology, password: "not-the-password-123" };
    expect(
      await connectFailure(topology, server.env.REDIS_PASSWORD as string, "not-the-password-123"),
    ).toMatch(/^cannot reach Redis at rediss:\/\/127\.0\.0\.1:\d+: WRONGPASS/);
  });
});
