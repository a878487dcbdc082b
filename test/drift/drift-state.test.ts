import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { describeObjects, driftFoundNotice } from "../../src/drift/drift-notice.js";
import {
  type DriftState,
  listDriftStates,
  readDriftState,
  removeDriftState,
  writeDriftState,
} from "../../src/drift/drift-state.js";
import { createMetrics } from "../../src/server/metrics.js";
import { redisConnection } from "../workers/worker-kit.js";

const redis = new Redis(redisConnection);
const keyPrefix = `zkt-drift-${randomBytes(4).toString("hex")}`;

afterAll(async () => {
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

function state(over: Partial<DriftState>): DriftState {
  return {
    repository: "acme/shop",
    environment: "dev",
    status: "in-sync",
    checkedAt: "2026-12-04T10:00:00.000Z",
    objects: [],
    nextCheckAt: "2026-12-04T10:05:00.000Z",
    ...over,
  };
}

const drifted = state({
  status: "drifted",
  revision: 7,
  sha: "a".repeat(40),
  objects: [{ kind: "Deployment", namespace: "shop", name: "web", fields: ["spec.replicas"] }],
});

describe("the drift state store", () => {
  it("keeps one state per repository and environment, and lists them in order", async () => {
    await writeDriftState(redis, state({ environment: "prod" }), keyPrefix);
    await writeDriftState(redis, drifted, keyPrefix);
    await writeDriftState(redis, state({ repository: "acme/api" }), keyPrefix);
    expect(await readDriftState(redis, "acme/shop", "dev", keyPrefix)).toEqual(drifted);
    expect(await readDriftState(redis, "acme/shop", "staging", keyPrefix)).toBeUndefined();
    expect((await listDriftStates(redis, keyPrefix)).map((s) => `${s.repository} ${s.environment}`)).toEqual([
      "acme/api dev",
      "acme/shop dev",
      "acme/shop prod",
    ]);
    await removeDriftState(redis, "acme/api", "dev", keyPrefix);
    expect(await listDriftStates(redis, keyPrefix)).toHaveLength(2);
  });

  it("exports each environment's status and drifted objects as gauges read at scrape time", async () => {
    const metrics = createMetrics({ drift: () => listDriftStates(redis, keyPrefix) });
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'zakenak_drift_status{repository="acme/shop",environment="dev",status="drifted"} 1',
    );
    expect(text).toContain(
      'zakenak_drift_status{repository="acme/shop",environment="dev",status="in-sync"} 0',
    );
    expect(text).toContain(
      'zakenak_drift_status{repository="acme/shop",environment="prod",status="in-sync"} 1',
    );
    expect(text).toContain('zakenak_drift_objects{repository="acme/shop",environment="dev"} 1');
    await writeDriftState(redis, { ...drifted, status: "in-sync", objects: [] }, keyPrefix);
    const after = await metrics.registry.metrics();
    expect(after).toContain(
      'zakenak_drift_status{repository="acme/shop",environment="dev",status="drifted"} 0',
    );
    expect(after).toContain('zakenak_drift_objects{repository="acme/shop",environment="dev"} 0');
  });
});

describe("drift notices", () => {
  it("announces drift when it starts, not again while it lasts, nor after an outage in between", () => {
    const found = driftFoundNotice(state({}), drifted, "refs/heads/develop");
    expect(found).toEqual({
      kind: "drift-found",
      repository: "acme/shop",
      environment: "dev",
      sha: drifted.sha,
      ref: "refs/heads/develop",
      revision: 7,
      summary: "dev drifted from revision 7: Deployment/shop/web (spec.replicas)",
    });
    expect(driftFoundNotice(drifted, drifted)).toBeUndefined();
    const outage = state({ status: "unknown", lastKnownStatus: "drifted" });
    expect(driftFoundNotice(outage, drifted)).toBeUndefined();
    expect(driftFoundNotice(undefined, drifted)?.kind).toBe("drift-found");
    expect(driftFoundNotice(drifted, state({}))).toBeUndefined();
    const missing = { ...drifted, status: "missing" as const };
    expect(driftFoundNotice(drifted, missing)?.summary).toContain("is missing objects of revision 7");
  });

  it("lists the first objects and fields, and counts the rest", () => {
    const objects = Array.from({ length: 7 }, (_, i) => ({
      kind: "ConfigMap",
      namespace: "ns",
      name: `c${i}`,
      fields: [`data.k${i}`],
      ...(i === 0 ? { missing: true } : {}),
    }));
    expect(describeObjects(objects)).toBe(
      "ConfigMap/ns/c0 missing; ConfigMap/ns/c1 (data.k1); ConfigMap/ns/c2 (data.k2); ConfigMap/ns/c3 (data.k3); ConfigMap/ns/c4 (data.k4); 2 more",
    );
  });
});
