import type { Job, Queue } from "bullmq";
import type { RedisClient } from "../queue/redis-topology.js";

/** What the queue and Redis gauges read at scrape time. Every read may reject (Redis unreachable). */
export interface QueueProbe {
  /** Jobs not started yet: waiting, prioritized and delayed. */
  depth(): Promise<number>;
  /** Seconds the oldest job ready to run has waited for a worker; 0 when none waits. */
  oldestWaitingAgeSeconds(): Promise<number>;
  /** Worker connections on the queue, from Redis's client list (BullMQ names its connections). */
  workers(): Promise<number>;
  /** Whether Redis answers PING within the timeout; never rejects. */
  redisUp(): Promise<boolean>;
}

/** The probe of a BullMQ queue and the Redis connection it uses. */
export function queueProbe(queue: Queue, redis: RedisClient, opts: { timeoutMs?: number } = {}): QueueProbe {
  const timeoutMs = opts.timeoutMs ?? 2000;
  return {
    async depth() {
      const counts = await queue.getJobCounts("waiting", "prioritized", "delayed");
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    },
    async oldestWaitingAgeSeconds() {
      // Oldest first; delayed jobs are not ready yet (a retry's backoff), so they are not waiting.
      const [oldest] = await queue.getJobs(["waiting", "prioritized"], 0, 0, true);
      return oldest ? Math.max(0, (Date.now() - readySince(oldest)) / 1000) : 0;
    },
    workers: () => queue.getWorkersCount(),
    async redisUp() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const ping = redis.ping().then(
        (reply) => reply === "PONG",
        () => false,
      );
      return Promise.race([ping, timeout]).finally(() => clearTimeout(timer));
    },
  };
}

/**
 * When a job became ready: added (plus any delay it was added with), or for a retry at least when its
 * last attempt started, since BullMQ keeps the first `timestamp` across attempts.
 */
function readySince(job: Job): number {
  return Math.max(job.timestamp + (job.opts.delay ?? 0), job.processedOn ?? 0);
}
