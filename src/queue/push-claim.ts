import type { RepoRef } from "../hosts/host-event.js";
import { DEDUPE_WINDOW_SECONDS } from "./delivery-queue.js";
import { onRedis } from "./redis-errors.js";
import type { RedisClient } from "./redis-topology.js";

/** Where a push lands: the repository, the full ref and the commit it now points at. */
export interface PushTarget {
  repo: RepoRef;
  ref: string;
  sha: string;
}

// The first claim wins and is kept; a claim by the same job (its retry) answers with itself.
const CLAIM = `
local cur = redis.call('GET', KEYS[1])
if cur then return cur end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return ARGV[1]`;

// By name, not by a host's id: a poll knows the repository by the name the operator wrote, where a
// webhook may also carry an id (GitLab's project id). Hosts compare names case-insensitively.
function claimKey(keyPrefix: string, p: PushTarget): string {
  return `${keyPrefix}:push:${p.repo.host}:${p.repo.fullName.toLowerCase()}:${p.ref}:${p.sha}`;
}

/**
 * Records that the push job `jobId` handles this push (repository, ref, commit), unless another job
 * did first; returns the id of the job that did. Kept for the delivery dedupe window: a webhook and a
 * poll that saw the same push within it find each other here.
 */
export async function claimPush(
  redis: RedisClient,
  keyPrefix: string,
  push: PushTarget,
  jobId: string,
): Promise<string> {
  const owner = await onRedis("recording a push", () =>
    redis.eval(CLAIM, 1, claimKey(keyPrefix, push), jobId, String(DEDUPE_WINDOW_SECONDS)),
  );
  return String(owner);
}

/** The job that handled this push, if any handled it within the dedupe window. */
export async function pushClaimedBy(
  redis: RedisClient,
  keyPrefix: string,
  push: PushTarget,
): Promise<string | undefined> {
  const owner = await onRedis("reading a push", () => redis.get(claimKey(keyPrefix, push)));
  return owner ?? undefined;
}
