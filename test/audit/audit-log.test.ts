import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { redisAuditLog } from "../../src/audit/audit-log.js";

const redis = new Redis({ host: "127.0.0.1", port: Number(process.env.ZAKENAK_TEST_REDIS_PORT ?? 6379) });
const key = `zkt-${randomBytes(4).toString("hex")}:audit`;

afterAll(async () => {
  await redis.del(key, `${key}-capped`);
  redis.disconnect();
});

describe("redisAuditLog", () => {
  const audit = redisAuditLog(redis, key);

  it("records who did what, where and with which result, and reads newest first", async () => {
    await audit.record({
      actor: "alice",
      action: "rollback",
      repo: "o/r",
      host: "gitea",
      environment: "prod",
      sha: "abc",
      result: "succeeded",
      detail: "/rollback prod: to revision 3, recorded as revision 5",
      pullRequest: 12,
      at: "2025-01-01T00:00:00.000Z",
    });
    await audit.record({ actor: "bob", action: "unlock", repo: "o/r", host: "gitea", result: "refused" });
    const [newest, older] = await audit.read();
    expect(newest).toMatchObject({ actor: "bob", action: "unlock", result: "refused" });
    expect(newest?.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(newest).not.toHaveProperty("environment");
    expect(older).toEqual({
      id: expect.stringMatching(/^\d+-\d+$/),
      actor: "alice",
      action: "rollback",
      repo: "o/r",
      host: "gitea",
      environment: "prod",
      sha: "abc",
      result: "succeeded",
      detail: "/rollback prod: to revision 3, recorded as revision 5",
      pullRequest: 12,
      at: "2025-01-01T00:00:00.000Z",
    });
  });

  it("pages back through older entries", async () => {
    for (let i = 0; i < 5; i++) {
      await audit.record({
        actor: `u${i}`,
        action: "apply",
        repo: "o/r",
        host: "gitea",
        result: "succeeded",
      });
    }
    const page = await audit.read({ count: 3 });
    expect(page.map((e) => e.actor)).toEqual(["u4", "u3", "u2"]);
    const next = await audit.read({ count: 3, before: page.at(-1)?.id as string });
    expect(next.map((e) => e.actor)).toEqual(["u1", "u0", "bob"]);
  });

  it("is capped, so it never grows without bound", async () => {
    const capped = redisAuditLog(redis, `${key}-capped`, 10);
    for (let i = 0; i < 500; i++) {
      await capped.record({ actor: "ci", action: "apply", repo: "o/r", host: "gitea", result: String(i) });
    }
    // MAXLEN ~ trims whole stream nodes: about the cap, far below what was written.
    expect(await redis.xlen(`${key}-capped`)).toBeLessThan(250);
    expect((await capped.read({ count: 1 }))[0]?.result).toBe("499");
  });
});
