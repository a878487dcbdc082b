import { describe, expect, it } from "vitest";
import { openRedis, redisOptions } from "../../src/queue/redis-connection.js";

describe("redisOptions", () => {
  it("reads a redis:// URL, credentials and database included", () => {
    expect(redisOptions("redis://user:p%40ss@redis.internal:6380/3")).toEqual({
      host: "redis.internal",
      port: 6380,
      username: "user",
      password: "p@ss",
      db: 3,
      maxRetriesPerRequest: null,
    });
    expect(redisOptions("rediss://redis.internal")).toMatchObject({ port: 6379, tls: {} });
  });

  it("keeps given options, with what BullMQ's blocking clients need", () => {
    expect(redisOptions({ host: "127.0.0.1", port: 7000 })).toEqual({
      host: "127.0.0.1",
      port: 7000,
      maxRetriesPerRequest: null,
    });
  });

  it("refuses other schemes", () => {
    expect(() => redisOptions("http://127.0.0.1:6379")).toThrow("Redis URL must start with redis://");
  });

  it("connects to the test Redis from a URL", async () => {
    const redis = openRedis(`redis://127.0.0.1:${process.env.ZAKENAK_TEST_REDIS_PORT ?? 6379}/0`);
    try {
      expect(await redis.ping()).toBe("PONG");
    } finally {
      redis.disconnect();
    }
  });
});
