import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { RepoRef } from "../../src/hosts/host-event.js";
import { onceForJob } from "../../src/queue/job-steps.js";
import { NewestHeads } from "../../src/queue/newest-heads.js";
import { withRedisMutex } from "../../src/queue/redis-mutex.js";

const redis = new Redis({ host: "127.0.0.1", port: Number(process.env.ZAKENAK_TEST_REDIS_PORT ?? 6379) });
const prefix = `zkt-${randomBytes(4).toString("hex")}`;
const repo: RepoRef = { host: "gitea", fullName: "o/r" };

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe("NewestHeads", () => {
  const heads = new NewestHeads(redis, prefix);

  it("keeps the commit of the job enqueued last, and calls older jobs' commits stale", async () => {
    const pr = NewestHeads.pullRequest(repo, 7);
    expect(await heads.offer(pr, "aaa", 1_000)).toBe(true);
    expect(await heads.offer(pr, "bbb", 2_000)).toBe(true);
    // Enqueued before bbb's job but run after it: stale.
    expect(await heads.offer(pr, "aaa", 1_000)).toBe(false);
    // The same commit again (a retry) is fine.
    expect(await heads.offer(pr, "bbb", 2_000)).toBe(true);
    expect(await heads.newest(pr)).toEqual({ sha: "bbb", at: 2_000 });
    expect(await heads.isSuperseded(pr, "aaa", 1_000)).toBe("bbb");
    expect(await heads.isSuperseded(pr, "bbb", 2_000)).toBeUndefined();
  });

  it("takes the host's word for the head, keeping the latest time", async () => {
    const pr = NewestHeads.pullRequest(repo, 8);
    await heads.offer(pr, "old", 5_000);
    await heads.confirm(pr, "new", 4_000);
    expect(await heads.newest(pr)).toEqual({ sha: "new", at: 5_000 });
    expect(await heads.offer(pr, "old", 4_500)).toBe(false);
  });

  it("keeps pull requests and environments apart", () => {
    expect(NewestHeads.pullRequest(repo, 1)).not.toBe(NewestHeads.environment(repo, "1"));
    expect(NewestHeads.environment({ ...repo, id: "42" }, "dev")).toBe("env:gitea:42:dev");
  });
});

describe("withRedisMutex", () => {
  it("runs critical sections one at a time across clients", async () => {
    const other = redis.duplicate();
    try {
      const key = `${prefix}:mutex`;
      const events: string[] = [];
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const first = withRedisMutex(redis, key, async () => {
        events.push("first in");
        await gate;
        events.push("first out");
      });
      while (events.length === 0) await new Promise((r) => setImmediate(r));
      const second = withRedisMutex(
        other,
        key,
        async () => {
          events.push("second in");
        },
        { pollMs: 10 },
      );
      // The second waits on Redis while the first holds the key.
      expect(await redis.exists(key)).toBe(1);
      release();
      await Promise.all([first, second]);
      expect(events).toEqual(["first in", "first out", "second in"]);
      expect(await redis.exists(key)).toBe(0);
    } finally {
      other.disconnect();
    }
  });

  it("gives up with a retryable error when the mutex stays taken", async () => {
    const key = `${prefix}:taken`;
    await redis.set(key, "someone-else", "PX", 60_000);
    await expect(
      withRedisMutex(redis, key, async () => "ran", { waitMs: 50, pollMs: 10 }),
    ).rejects.toMatchObject({
      code: "locked",
      retryable: true,
    });
    expect(await redis.get(key)).toBe("someone-else");
  });
});

describe("onceForJob", () => {
  it("runs a step once and replays its result on a retry", async () => {
    let runs = 0;
    const step = () => onceForJob(redis, `${prefix}:step:job-1:rollback`, async () => ({ revision: ++runs }));
    expect(await step()).toEqual({ value: { revision: 1 }, replayed: false });
    expect(await step()).toEqual({ value: { revision: 1 }, replayed: true });
    expect(runs).toBe(1);
  });

  it("does not store a step that failed", async () => {
    const key = `${prefix}:step:job-2:apply`;
    await expect(onceForJob(redis, key, async () => Promise.reject(new Error("boom")))).rejects.toThrow(
      "boom",
    );
    expect(await redis.exists(key)).toBe(0);
  });
});
