import { join } from "node:path";
import { type Job, Queue, Worker } from "bullmq";
import { type AuditLog, DEFAULT_AUDIT_KEY, redisAuditLog } from "../audit/audit-log.js";
import type { ChartSettings } from "../charts/chart-resolver.js";
import type { BotLogger, BotMetrics, KubeSettings } from "../commands/bot-context.js";
import type { InputLimits } from "../config/input-limits.js";
import type { ServerConfig } from "../config/server-config.js";
import { rescheduleDriftChecks } from "../drift/drift-schedule.js";
import type { GitHost } from "../hosts/git-host.js";
import type { Delivery, RepoRef } from "../hosts/host-event.js";
import type { NotificationSettings } from "../notifications/notification-settings.js";
import { startNotifications } from "../notifications/start-notifications.js";
import { diskRenderCache } from "../planning/render/render-cache.js";
import { schedulePolls } from "../polling/poll-schedule.js";
import type { PollTarget } from "../polling/poll-targets.js";
import type { ApplyJobData } from "../queue/apply-job.js";
import { BACKOFF_STRATEGY, type BackoffOptions, backoffDelay } from "../queue/backoff.js";
import { DELIVERY_QUEUE } from "../queue/delivery-queue.js";
import { NewestHeads } from "../queue/newest-heads.js";
import { openBullConnection, openRedis, type RedisConnection } from "../queue/redis-connection.js";
import { KEY_PREFIX, QUEUE_PREFIX } from "../queue/redis-topology.js";
import type { ImageResolverOptions } from "../registry/image-resolver.js";
import { cacheRoot } from "../tools/cache-root.js";
import { runJob } from "./dispatch-job.js";
import type { WorkerServices } from "./worker-services.js";

export const DEFAULT_LOCK_WAIT_MS = 10 * 60_000;

export interface StartWorkersOptions {
  /** The Redis topology (one server, Sentinel or Cluster), ioredis options or a redis:// URL. */
  connection: RedisConnection;
  /** The host client for a repository; it holds its own credentials (job data carries none). */
  hostFor: (repo: RepoRef) => GitHost | Promise<GitHost>;
  logger: BotLogger;
  metrics?: BotMetrics;
  /** Jobs one worker runs at once (default 4): applies wait on locks while plans go on. */
  concurrency?: number;
  kube?: Partial<KubeSettings>;
  /** Input refused before parsing and the object size limit; default `DEFAULT_INPUT_LIMITS`. */
  limits?: InputLimits;
  queueName?: string;
  /** BullMQ key prefix (default `QUEUE_PREFIX`, a hash tag for Redis Cluster). */
  prefix?: string;
  /** Prefix of Zakenak's own keys (default `KEY_PREFIX`, the same hash tag). */
  keyPrefix?: string;
  auditKey?: string;
  /** Where renders are cached (default: the user cache's renders/). */
  cacheDir?: string;
  backoff?: BackoffOptions;
  /** BullMQ's stalled-job recovery; its defaults (30 s) unless set, e.g. shorter in tests. */
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount?: number;
  /** Signals that close the workers gracefully (default SIGTERM and SIGINT; [] for none). */
  signals?: NodeJS.Signals[];
  /** The operator's server configuration; unset: single-tenant mode. */
  server?: ServerConfig;
  /** Notification targets and routes, resolved from the server configuration; unset: no notifications. */
  notifications?: NotificationSettings;
  /** Repositories to poll for pushes (`pollTargets` of the server configuration); default none. */
  polls?: readonly PollTarget[];
  /** How plans look container images up in their registries; unset: no lookups. */
  images?: ImageResolverOptions;
  /** The chart cache and the registry credentials remote charts are pulled with; default: the user cache, none. */
  charts?: ChartSettings;
}

export interface RunningWorkers {
  worker: Worker;
  audit: AuditLog;
  /** Stops taking jobs, waits for the active ones, then disconnects. Idempotent. */
  close(): Promise<void>;
  /** Settles once closed, by close() or by a signal. */
  closed: Promise<void>;
}

/** Starts a BullMQ worker on the delivery queue that dispatches each job to its handler. */
export async function startWorkers(opts: StartWorkersOptions): Promise<RunningWorkers> {
  const queueName = opts.queueName ?? DELIVERY_QUEUE;
  const bull = openBullConnection(opts.connection);
  const { connection } = bull;
  const prefix = { prefix: opts.prefix ?? QUEUE_PREFIX };
  const redis = openRedis(opts.connection);
  // Without a listener ioredis prints every reconnect failure to stderr, outside the JSON log; one line
  // per distinct reason while Redis is away (a failover, a restart) is enough: it reconnects by itself.
  let lastRedisError = "";
  redis.on("error", (err: Error) => {
    if (err.message === lastRedisError) return;
    lastRedisError = err.message;
    opts.logger.warn({ err: err.message }, "redis connection error (reconnecting)");
  });
  redis.on("ready", () => {
    lastRedisError = "";
  });
  const keyPrefix = opts.keyPrefix ?? KEY_PREFIX;
  const audit = redisAuditLog(redis, opts.auditKey ?? DEFAULT_AUDIT_KEY);
  const queue = new Queue(queueName, { connection, ...prefix });
  // Its own queue and worker: deliveries to a slow receiver never hold a slot a deploy could use.
  const notifications = opts.notifications
    ? await startNotifications({
        connection,
        ...prefix,
        settings: opts.notifications,
        log: opts.logger,
        ...(opts.metrics?.notificationFinished ? { counted: opts.metrics.notificationFinished } : {}),
      }).catch(async (err: unknown) => {
        await queue.close().catch(() => {});
        await bull.close();
        redis.disconnect();
        throw err;
      })
    : undefined;
  const services: WorkerServices = {
    hostFor: opts.hostFor,
    redis,
    queue,
    keyPrefix,
    cache: diskRenderCache(opts.cacheDir ?? join(cacheRoot(), "renders")),
    audit,
    log: opts.logger,
    kube: {
      applyWait: true,
      lockWaitMs: DEFAULT_LOCK_WAIT_MS,
      ...opts.kube,
    },
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    heads: new NewestHeads(redis, keyPrefix),
    ...(opts.server ? { server: opts.server } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(notifications ? { notifier: notifications.notifier } : {}),
    ...(opts.images ? { images: opts.images } : {}),
    ...(opts.charts ? { charts: opts.charts } : {}),
  };
  const worker = new Worker<Delivery | ApplyJobData>(
    queueName,
    (job: Job<Delivery | ApplyJobData>) => runJob(services, job),
    {
      connection,
      ...prefix,
      concurrency: opts.concurrency ?? 4,
      ...(opts.lockDuration !== undefined ? { lockDuration: opts.lockDuration } : {}),
      ...(opts.stalledInterval !== undefined ? { stalledInterval: opts.stalledInterval } : {}),
      ...(opts.maxStalledCount !== undefined ? { maxStalledCount: opts.maxStalledCount } : {}),
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string, _err?: Error, job?: { id?: string }) => {
          // Only jobs that asked for it; anything else retries at once, as BullMQ would.
          const delayMs = type === BACKOFF_STRATEGY ? backoffDelay(attemptsMade, opts.backoff) : 0;
          opts.logger.info({ jobId: job?.id, attemptsMade, delayMs }, "retrying after backoff");
          return delayMs;
        },
      },
    },
  );
  worker.on("error", (err) => opts.logger.error({ err: err.message }, "worker error"));
  try {
    await worker.waitUntilReady();
    // Every replica starts with the same configuration: scheduling is idempotent, and BullMQ still makes
    // one job per tick of each scheduler.
    await rescheduleDriftChecks(queue, opts.server);
    await schedulePolls(queue, opts.polls ?? []);
  } catch (err) {
    await Promise.allSettled([worker.close(true), queue.close(), notifications?.close()]);
    await bull.close();
    redis.disconnect();
    throw err;
  }

  let closing: Promise<void> | undefined;
  let settle: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const signals = opts.signals ?? ["SIGTERM", "SIGINT"];
  const onSignal = (signal: NodeJS.Signals) => {
    opts.logger.info({ signal }, "closing: finishing active jobs");
    void close();
  };
  const close = () => {
    closing ??= (async () => {
      for (const s of signals) process.off(s, onSignal);
      // Waits for the active jobs; a job killed instead is recovered by another worker as stalled.
      await worker.close();
      await notifications?.close();
      await queue.close();
      await bull.close();
      await redis.quit().catch(() => redis.disconnect());
      opts.logger.info({}, "workers closed");
      settle();
    })();
    return closing;
  };
  for (const s of signals) process.on(s, onSignal);
  opts.logger.info({ queue: queueName, concurrency: opts.concurrency ?? 4 }, "workers started");
  return { worker, audit, close, closed };
}
