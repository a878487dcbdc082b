import { claimPush, type PushTarget } from "../queue/push-claim.js";
import type { RedisClient } from "../queue/redis-topology.js";
import { isPollJobId } from "./poll-delivery.js";

/**
 * Records that the push job `jobId` handles this push, and returns the job that saw the same push the
 * other way first (a webhook's when this is a poll's, or the reverse), if one did: the push is then
 * handled once, by whichever came first. Two webhook deliveries of one push are left alone here: a
 * replay goes through the deploy's own checks, as it always did.
 */
export async function seenTheOtherWay(
  redis: RedisClient,
  keyPrefix: string,
  push: PushTarget,
  jobId: string,
): Promise<string | undefined> {
  const first = await claimPush(redis, keyPrefix, push, jobId);
  return first !== jobId && isPollJobId(first) !== isPollJobId(jobId) ? first : undefined;
}
