import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Job, Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { createGiteaHost } from "../../src/hosts/gitea/gitea-host.js";
import type { Delivery, HostEvent, RepoRef } from "../../src/hosts/host-event.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { enqueueDelivery } from "../../src/queue/delivery-queue.js";
import {
  type RunningWorkers,
  type StartWorkersOptions,
  startWorkers,
} from "../../src/workers/start-workers.js";
import { connectShared, sharedKubeconfig, waitFor } from "../support/cluster-kit.js";
import { GiteaFixture } from "../support/gitea/gitea-fixture.js";
import type { GiteaUser } from "../support/gitea/gitea-users.js";
import { type GiteaServer, startGitea } from "../support/gitea/start-gitea.js";

export const REDIS_PORT = Number(process.env.ZAKENAK_TEST_REDIS_PORT ?? 6379);
export const redisConnection = { host: "127.0.0.1", port: REDIS_PORT };

export function hex(bytes = 4): string {
  return randomBytes(bytes).toString("hex");
}

/** A real Gitea with a bot user and two people: one may write, one may only read. */
export interface GiteaWorld {
  gitea: GiteaServer;
  admin: GiteaFixture;
  bot: GiteaUser;
  writer: GiteaUser;
  reader: GiteaUser;
  stop(): Promise<void>;
}

export async function startGiteaWorld(): Promise<GiteaWorld> {
  const gitea = await startGitea();
  const admin = new GiteaFixture(gitea.url, gitea.adminToken);
  const [bot, writer, reader] = await Promise.all([
    admin.createUser({ username: `zakenak-bot-${hex(2)}` }),
    admin.createUser({ username: `alice-${hex(2)}` }),
    admin.createUser({ username: `bob-${hex(2)}` }),
  ]);
  return { gitea, admin, bot, writer, reader, stop: () => gitea.stop() };
}

/** A test file's Gitea world and client of the shared cluster, both set once its `beforeAll` has run. */
export interface WorldAndCluster {
  world: GiteaWorld;
  client: ConnectedKubeClient;
}

/** Starts a Gitea world and connects to the shared cluster before a file's tests, and stops both after. */
export function useWorldAndCluster(): WorldAndCluster {
  const env = {} as WorldAndCluster;
  beforeAll(async () => {
    [env.world, env.client] = await Promise.all([startGiteaWorld(), connectShared()]);
  }, 300_000);
  afterAll(async () => {
    await env.world?.stop();
    env.client?.close();
  });
  return env;
}

export interface TestRepo {
  owner: string;
  name: string;
  ref: RepoRef;
}

/**
 * A repository owned by the admin with `files` on main, a `develop` branch, the bot as an admin
 * collaborator (Gitea shows permissions only to admins) and the writer/reader as collaborators.
 */
export async function createTestRepo(world: GiteaWorld, files: Record<string, string>): Promise<TestRepo> {
  const { admin } = world;
  const repo = await admin.createRepo({ name: `deploy-${hex()}` });
  const owner = repo.owner.login;
  const name = repo.name;
  await admin.putFiles({ owner, repo: name, files, branch: "main", message: "Zakenak config" });
  await admin.createBranch({ owner, repo: name, name: "develop", from: "main" });
  await admin.addCollaborator({ owner, repo: name, user: world.bot.username, permission: "admin" });
  await admin.addCollaborator({ owner, repo: name, user: world.writer.username, permission: "write" });
  await admin.addCollaborator({ owner, repo: name, user: world.reader.username, permission: "read" });
  return { owner, name, ref: { host: "gitea", fullName: `${owner}/${name}`, defaultBranch: "main" } };
}

export interface LogLine {
  level: "info" | "warn" | "error";
  msg: string;
  [key: string]: unknown;
}

/** A pino-compatible logger that keeps every line, printed too when ZAKENAK_TEST_LOGS is set. */
export function collectingLogger(): StartWorkersOptions["logger"] & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine["level"]) =>
    (obj: object, msg = "") => {
      const line = { ...obj, level, msg } as LogLine;
      lines.push(line);
      if (process.env.ZAKENAK_TEST_LOGS) console.log(JSON.stringify(line));
    };
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}

/** One worker set-up per test: its own queue, key prefixes and render cache, so tests never mix. */
export interface BotUnderTest {
  queue: Queue;
  queueName: string;
  prefix: string;
  keyPrefix: string;
  auditKey: string;
  cacheDir: string;
  redis: Redis;
  workers: RunningWorkers[];
  logs: ReturnType<typeof collectingLogger>;
  start(overrides?: Partial<StartWorkersOptions>): Promise<RunningWorkers>;
  deliver(event: HostEvent, id?: string): Promise<{ jobId: string; duplicate: boolean }>;
  job(jobId: string): Promise<Job | undefined>;
  finished(jobId: string, timeoutMs?: number): Promise<Job>;
  close(): Promise<void>;
}

export function botUnderTest(world: GiteaWorld, options: Partial<StartWorkersOptions> = {}): BotUnderTest {
  const id = hex();
  const queueName = `zakenak-test-${id}`;
  const prefix = `zkt-${id}`;
  const keyPrefix = `zkt-${id}-keys`;
  const auditKey = `${keyPrefix}:audit`;
  const cacheDir = mkdtempSync(join(tmpdir(), "zakenak-worker-cache-"));
  const queue = new Queue(queueName, { connection: redisConnection, prefix });
  const redis = new Redis(redisConnection);
  const logs = collectingLogger();
  const workers: RunningWorkers[] = [];
  const bot: BotUnderTest = {
    queue,
    queueName,
    prefix,
    keyPrefix,
    auditKey,
    cacheDir,
    redis,
    workers,
    logs,
    async start(overrides = {}) {
      const running = await startWorkers({
        connection: redisConnection,
        hostFor: () => createGiteaHost({ url: world.gitea.url, token: world.bot.token }),
        logger: logs,
        queueName,
        prefix,
        keyPrefix,
        auditKey,
        cacheDir,
        backoff: { baseMs: 100, maxMs: 1_000 },
        signals: [],
        ...options,
        ...overrides,
        kube: {
          kubeconfig: sharedKubeconfig(),
          applyWait: false,
          lockWaitMs: 120_000,
          ...options.kube,
          ...overrides.kube,
        },
      });
      workers.push(running);
      return running;
    },
    async deliver(event, deliveryId = `${hex(8)}`) {
      const delivery: Delivery = { id: deliveryId, host: "gitea", event };
      const { duplicate } = await enqueueDelivery(queue, delivery);
      return { jobId: `gitea.${deliveryId}`, duplicate };
    },
    job: async (jobId) => (await queue.getJob(jobId)) ?? undefined,
    async finished(jobId, timeoutMs = 90_000) {
      return waitFor(
        `job ${jobId} to finish`,
        async () => {
          const job = await queue.getJob(jobId);
          if (!job) return undefined;
          const state = await job.getState();
          // Read again: the job fetched above may predate the state change (no return value yet).
          return state === "completed" || state === "failed" ? await queue.getJob(jobId) : undefined;
        },
        { timeoutMs, intervalMs: 100 },
      );
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
  return bot;
}
