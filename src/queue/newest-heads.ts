import type { RepoRef } from "../hosts/host-event.js";
import { onRedis } from "./redis-errors.js";
import type { RedisClient } from "./redis-topology.js";

/** Kept this long after the last event; an idle record is not worth keeping. */
const TTL_MS = 30 * 24 * 60 * 60 * 1000;

// Accepts `sha` (seen at `ts`, the job's enqueue time) unless another sha was recorded from a job
// enqueued later: that job's sha is newer, so this one is stale.
const OFFER = `
local cur = redis.call('HMGET', KEYS[1], 'sha', 'ts')
if cur[1] and cur[1] ~= ARGV[1] and tonumber(cur[2]) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'sha', ARGV[1], 'ts', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

// The host said the head is `sha`: record it, keeping the latest time seen.
const CONFIRM = `
local ts = tonumber(redis.call('HGET', KEYS[1], 'ts') or '0')
if tonumber(ARGV[2]) > ts then ts = tonumber(ARGV[2]) end
redis.call('HSET', KEYS[1], 'sha', ARGV[1], 'ts', ts)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * The newest commit seen per pull request, or per environment for pushes, in Redis so every worker
 * agrees. "Newest" is by the enqueue time of the job that brought it: a job whose commit is older than
 * one a later job brought is stale and dropped before doing work.
 */
export class NewestHeads {
  readonly #redis: RedisClient;
  readonly #keyPrefix: string;

  constructor(redis: RedisClient, keyPrefix: string) {
    this.#redis = redis;
    this.#keyPrefix = keyPrefix;
  }

  static pullRequest(repo: RepoRef, number: number): string {
    return `pr:${repo.host}:${repo.id ?? repo.fullName}#${number}`;
  }

  static environment(repo: RepoRef, environment: string): string {
    return `env:${repo.host}:${repo.id ?? repo.fullName}:${environment}`;
  }

  /** Records `sha` as the newest; false when a job enqueued later already brought another commit. */
  async offer(subject: string, sha: string, enqueuedAt: number): Promise<boolean> {
    const ok = await onRedis("recording the newest commit", () =>
      this.#redis.eval(OFFER, 1, this.#key(subject), sha, String(enqueuedAt), String(TTL_MS)),
    );
    return ok === 1;
  }

  /** Records what the host reported as current, so older jobs still queued are dropped early. */
  async confirm(subject: string, sha: string, seenAt: number): Promise<void> {
    await onRedis("recording the newest commit", () =>
      this.#redis.eval(CONFIRM, 1, this.#key(subject), sha, String(seenAt), String(TTL_MS)),
    );
  }

  async newest(subject: string): Promise<{ sha: string; at: number } | undefined> {
    const [sha, ts] = await onRedis("reading the newest commit", () =>
      this.#redis.hmget(this.#key(subject), "sha", "ts"),
    );
    return sha ? { sha, at: Number(ts) } : undefined;
  }

  /** Whether a job that brought `sha` at `enqueuedAt` has been overtaken by a newer commit. */
  async isSuperseded(subject: string, sha: string, enqueuedAt: number): Promise<string | undefined> {
    const now = await this.newest(subject);
    return now && now.sha !== sha && now.at > enqueuedAt ? now.sha : undefined;
  }

  #key(subject: string): string {
    return `${this.#keyPrefix}:newest:${subject}`;
  }
}
