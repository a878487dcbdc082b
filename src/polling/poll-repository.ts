import type { Queue } from "bullmq";
import type { BotContext } from "../commands/bot-context.js";
import { refGranted } from "../commands/environments-for-ref.js";
import { globMatch } from "../commands/glob-match.js";
import { readTrustedPolicy } from "../commands/repository-policy.js";
import { isZakenakError } from "../errors.js";
import type { GitHost, TagListing } from "../hosts/git-host.js";
import type { RepoRef } from "../hosts/host-event.js";
import { enqueueDelivery } from "../queue/delivery-queue.js";
import { pushClaimedBy } from "../queue/push-claim.js";
import { onRedis } from "../queue/redis-errors.js";
import { withRedisMutex } from "../queue/redis-mutex.js";
import type { TrustedPolicy } from "../trust/trusted-policy.js";
import { pollDelivery } from "./poll-delivery.js";

export type PollOutcome =
  | { result: "skipped"; reason: string }
  | { result: "polled"; refs: number; enqueued: string[] };

type PollContext = Pick<BotContext, "host" | "repo" | "grant" | "redis" | "keyPrefix" | "log">;

// Marks a repository polled at least once; ref names all start with `refs/`, so it clashes with none.
const POLLED = "@polled";
const RUN_TTL_MS = 10 * 60_000;

/**
 * Polls one repository: where do the branches and tags its environments deploy from point now? Each
 * one that moved since the last poll is enqueued as the push a webhook would have sent (same queue, same
 * handler, same dedupe and ordering), under a delivery id stable per ref and commit. A push a webhook
 * already brought is not enqueued again. Tags that exist when a repository is first polled are taken as
 * seen: only tags made after that deploy, as only pushes made after a webhook is added would.
 */
export async function pollRepository(ctx: PollContext, queue: Queue): Promise<PollOutcome> {
  const key = `${ctx.keyPrefix}:poll:run:${ctx.repo.host}:${ctx.repo.fullName}`;
  let entered = false;
  try {
    return await withRedisMutex(
      ctx.redis,
      key,
      () => {
        entered = true;
        return poll(ctx, queue);
      },
      { waitMs: 0, ttlMs: RUN_TTL_MS },
    );
  } catch (err) {
    if (!entered && isZakenakError(err) && err.code === "locked") {
      return { result: "skipped", reason: "another poll of this repository is running" };
    }
    throw err;
  }
}

async function poll(ctx: PollContext, queue: Queue): Promise<PollOutcome> {
  const policy = await readTrustedPolicy(ctx);
  // The webhook's repository names its default branch; the polled push carries it the same way.
  const repo: RepoRef = { ...ctx.repo, defaultBranch: policy.defaultBranch };
  const branches = await branchTips(ctx.host, repo, policy);
  const tags = await tagTips(ctx, repo, policy);
  const seenKey = `${ctx.keyPrefix}:poll:seen:${repo.host}:${repo.fullName}`;
  const seen = await onRedis("reading polled refs", () => ctx.redis.hgetall(seenKey));
  const first = seen[POLLED] === undefined;
  const moved = [...branches, ...(first ? [] : tags)].filter(([ref, sha]) => seen[ref] !== sha);
  const enqueued: string[] = [];
  for (const [ref, sha] of moved) {
    if (await pushClaimedBy(ctx.redis, ctx.keyPrefix, { repo, ref, sha })) continue;
    await enqueueDelivery(queue, pollDelivery(repo, ref, sha));
    enqueued.push(ref);
  }
  const tips = Object.fromEntries([...branches, ...tags]);
  await onRedis("recording polled refs", () =>
    ctx.redis
      .multi()
      .del(seenKey)
      .hset(seenKey, { ...tips, [POLLED]: String(Date.now()) })
      .exec(),
  );
  if (enqueued.length > 0) ctx.log.info({ refs: enqueued }, "poll found new pushes");
  return { result: "polled", refs: Object.keys(tips).length, enqueued };
}

/** The tip of every branch an environment deploys from (and the operator allows), by full ref. */
async function branchTips(host: GitHost, repo: RepoRef, policy: TrustedPolicy): Promise<[string, string][]> {
  const names = new Set(
    policy.environments
      .filter((e) => e.branch !== undefined && refGranted(e, "branch", e.branch))
      .map((e) => e.branch as string),
  );
  const tips: [string, string][] = [];
  for (const name of names) {
    const ref = `refs/heads/${name}`;
    const sha = await host.refSha(repo, ref);
    if (sha) tips.push([ref, sha]);
  }
  return tips;
}

/**
 * Every tag an environment's glob matches (and the operator allows), by full ref, in natural order of
 * their names (v1.9 before v1.10): several new tags in one poll are enqueued oldest-named first, so the
 * newest-named is the push that wins.
 */
async function tagTips(ctx: PollContext, repo: RepoRef, policy: TrustedPolicy): Promise<[string, string][]> {
  const envs = policy.environments.filter((e) => e.tag !== undefined);
  if (envs.length === 0) return [];
  const lister = ctx.host as GitHost & Partial<TagListing>;
  if (typeof lister.listTags !== "function") {
    ctx.log.warn(
      { environments: envs.map((e) => e.name) },
      `${ctx.host.kind} cannot list tags: tag environments are not polled`,
    );
    return [];
  }
  const tags = await lister.listTags(repo);
  return tags
    .filter((t) => envs.some((e) => globMatch(e.tag as string, t.name) && refGranted(e, "tag", t.name)))
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }))
    .map((t): [string, string] => [`refs/tags/${t.name}`, t.sha]);
}
