import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnvConfig } from "../../src/config/env-config.js";
import { ZakenakError } from "../../src/errors.js";
import { describeRedis, topologyRedisOptions } from "../../src/queue/redis-topology.js";

const PASSWORD = "redis-pw-0c9d8e";
const SENTINEL_PASSWORD = "sentinel-pw-1f2e3d";

function failure(env: Record<string, string>): string {
  try {
    loadEnvConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ZakenakError);
    const e = error as ZakenakError;
    expect(e.code).toBe("config-invalid");
    expect(e.message).not.toContain(PASSWORD);
    expect(e.message).not.toContain(SENTINEL_PASSWORD);
    return e.message;
  }
  throw new Error("loadEnvConfig accepted the environment");
}

const dir = mkdtempSync(join(tmpdir(), "zakenak-redis-env-"));
const caFile = join(dir, "ca.crt");
writeFileSync(caFile, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
const notPem = join(dir, "ca.txt");
writeFileSync(notPem, "hello\n");

describe("Redis topology variables", () => {
  it("defaults to one server on 127.0.0.1:6379", () => {
    expect(loadEnvConfig({}).redis).toEqual({ kind: "server", url: "redis://127.0.0.1:6379" });
  });

  it("reads one server's URL, its own credentials, REDIS_PASSWORD over them, TLS from rediss://", () => {
    expect(loadEnvConfig({ REDIS_URL: `redis://zk:${PASSWORD}@redis.internal:6380/2` }).redis).toEqual({
      kind: "server",
      url: `redis://zk:${PASSWORD}@redis.internal:6380/2`,
      username: "zk",
      password: PASSWORD,
    });
    const tls = loadEnvConfig({
      REDIS_URL: "rediss://redis.internal",
      REDIS_USERNAME: "bot",
      REDIS_PASSWORD: PASSWORD,
      REDIS_TLS_CA_FILE: caFile,
      REDIS_TLS_SERVERNAME: "redis.example.com",
    }).redis;
    expect(tls).toMatchObject({
      username: "bot",
      password: PASSWORD,
      tls: { servername: "redis.example.com" },
    });
    expect(topologyRedisOptions(tls)).toMatchObject({
      host: "redis.internal",
      port: 6379,
      tls: { ca: expect.stringContaining("BEGIN CERTIFICATE"), servername: "redis.example.com" },
      maxRetriesPerRequest: null,
    });
    expect(describeRedis(loadEnvConfig({ REDIS_URL: `redis://:${PASSWORD}@h:1/0` }).redis)).toBe(
      "redis://:***@h:1/0",
    );
  });

  it("reads Sentinel: the sentinels, the master's name, their own credentials", () => {
    const sentinel = loadEnvConfig({
      REDIS_SENTINELS: "10.0.0.1:26379, sentinel-b:26380,[::1]:26381",
      REDIS_SENTINEL_MASTER: "mymaster",
      REDIS_SENTINEL_USERNAME: "watcher",
      REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD,
      REDIS_PASSWORD: PASSWORD,
      REDIS_TLS: "true",
    }).redis;
    expect(sentinel).toEqual({
      kind: "sentinel",
      sentinels: [
        { host: "10.0.0.1", port: 26379 },
        { host: "sentinel-b", port: 26380 },
        { host: "::1", port: 26381 },
      ],
      master: "mymaster",
      sentinelUsername: "watcher",
      sentinelPassword: SENTINEL_PASSWORD,
      password: PASSWORD,
      tls: {},
    });
    expect(topologyRedisOptions(sentinel)).toMatchObject({
      name: "mymaster",
      enableTLSForSentinelMode: true,
      sentinelTLS: {},
      maxRetriesPerRequest: null,
    });
    expect(describeRedis(sentinel)).toBe(
      'Sentinel master "mymaster" via 10.0.0.1:26379,sentinel-b:26380,[::1]:26381',
    );
  });

  it("reads a Cluster's seed nodes", () => {
    const cluster = loadEnvConfig({
      REDIS_CLUSTER_NODES: "redis-0:6379,redis-1:6379",
      REDIS_PASSWORD: PASSWORD,
    }).redis;
    expect(cluster).toEqual({
      kind: "cluster",
      nodes: [
        { host: "redis-0", port: 6379 },
        { host: "redis-1", port: 6379 },
      ],
      password: PASSWORD,
    });
    expect(describeRedis(cluster)).toBe("Redis Cluster via redis-0:6379,redis-1:6379");
  });

  it("refuses what it cannot use, naming the variable and never a password", () => {
    expect(failure({ REDIS_URL: "127.0.0.1:6379" })).toBe("REDIS_URL: must be a redis:// or rediss:// URL");
    expect(failure({ REDIS_URL: `redis://:${PASSWORD}@h`, REDIS_CLUSTER_NODES: "h:1" })).toBe(
      "REDIS_CLUSTER_NODES: set only one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES (REDIS_URL and REDIS_CLUSTER_NODES are set)",
    );
    expect(failure({ REDIS_SENTINELS: "h:26379" })).toBe(
      "REDIS_SENTINEL_MASTER: must be set with REDIS_SENTINELS",
    );
    expect(failure({ REDIS_SENTINEL_MASTER: "mymaster" })).toBe(
      "REDIS_SENTINEL_MASTER: only applies with REDIS_SENTINELS",
    );
    expect(failure({ REDIS_CLUSTER_NODES: "h:6379,h" })).toBe('REDIS_CLUSTER_NODES: "h" is not host:port');
    expect(failure({ REDIS_SENTINELS: "h:0", REDIS_SENTINEL_MASTER: "m" })).toBe(
      'REDIS_SENTINELS: "h:0" is not host:port',
    );
    expect(failure({ REDIS_CLUSTER_NODES: " , " })).toBe("REDIS_CLUSTER_NODES: no host:port given");
    expect(failure({ REDIS_TLS: "yes" })).toBe("REDIS_TLS: must be true or false");
    expect(failure({ REDIS_URL: "rediss://h", REDIS_TLS: "false" })).toBe(
      "REDIS_TLS: is false but REDIS_URL is rediss://",
    );
    expect(failure({ REDIS_TLS_CA_FILE: caFile })).toBe(
      "REDIS_TLS_CA_FILE: needs REDIS_TLS=true (or a rediss:// REDIS_URL)",
    );
    expect(failure({ REDIS_TLS: "true", REDIS_TLS_CA_FILE: join(dir, "missing.crt") })).toBe(
      `REDIS_TLS_CA_FILE: cannot read ${join(dir, "missing.crt")}: ENOENT`,
    );
    expect(failure({ REDIS_TLS: "1", REDIS_TLS_CA_FILE: notPem })).toBe(
      `REDIS_TLS_CA_FILE: ${notPem} holds no PEM certificate`,
    );
  });
});
