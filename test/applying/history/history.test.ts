import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishRevision } from "../../../src/applying/history/finish-revision.js";
import { lastSuccessful } from "../../../src/applying/history/last-successful.js";
import { listRevisions } from "../../../src/applying/history/list-revisions.js";
import { pruneHistory } from "../../../src/applying/history/prune-history.js";
import { readRevision } from "../../../src/applying/history/read-revision.js";
import { type RecordRevisionInput, recordRevision } from "../../../src/applying/history/record-revision.js";
import type { RevisionResult } from "../../../src/applying/history/revision.js";
import {
  partSecretName,
  revisionSecretName,
  secretRef,
} from "../../../src/applying/history/revision-secret.js";
import { isZakenakError } from "../../../src/errors.js";
import type { ConnectedKubeClient } from "../../../src/kube/connect-kube.js";
import type { KubeObject } from "../../../src/model/kube-object.js";
import { connectTestKube, uniqueEnvironment } from "../lock/test-kube.js";

let client: ConnectedKubeClient;

beforeAll(async () => {
  client = await connectTestKube();
});

afterAll(() => {
  client?.close();
});

const SECRET_VALUE = "hunter2-do-not-print";

const objects: KubeObject[] = [
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "api", namespace: "ai", labels: { app: "api" } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: "api", image: "api:1.2.3" }] } } },
  },
  {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "creds", namespace: "ai" },
    stringData: { password: SECRET_VALUE },
  },
];
const inventory = objects.map((o) => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  namespace: o.metadata.namespace,
  name: o.metadata.name ?? "",
}));

function input(environment: string, extra: Partial<RecordRevisionInput> = {}): RecordRevisionInput {
  return {
    environment,
    sha: "abc123",
    ref: "main",
    trigger: "apply",
    actor: "alice",
    objects,
    inventory,
    ...extra,
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error("expected a rejection");
  return err;
}

/** Records one revision per result, oldest first. */
async function recordWithResults(environment: string, results: RevisionResult[]): Promise<void> {
  for (const result of results) {
    const rev = await recordRevision(client, input(environment));
    if (result !== "in-progress") await finishRevision(client, environment, rev.number, { result });
  }
}

/** A ConfigMap-like object of random, incompressible text: `mib` MiB once gzipped. */
function bigObject(mib: number): KubeObject {
  const data: Record<string, string> = {};
  // base64 of random bytes gzips to about 3/4 of its length, back to the random bytes' size.
  for (let i = 0; i < mib * 4; i++) data[`blob-${i}`] = randomBytes(256 * 1024).toString("base64");
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "big", namespace: "ai" }, data };
}

describe("revision history", () => {
  it("reads back what it recorded", async () => {
    const env = uniqueEnvironment("hist-roundtrip");
    const recorded = await recordRevision(client, input(env, { trigger: "rollback", rollbackOf: 4 }));
    expect(recorded).toMatchObject({
      number: 1,
      name: `zakenak-${env}-rev-000001`,
      result: "in-progress",
      trigger: "rollback",
      rollbackOf: 4,
      parts: 0,
      objectCount: 2,
    });
    const read = await readRevision(client, env, 1);
    expect(read.objects).toEqual(objects);
    expect(read.inventory).toEqual(inventory);
    expect(read).toMatchObject({ sha: "abc123", ref: "main", actor: "alice", result: "in-progress" });
    expect(read.finishedAt).toBeUndefined();
    const secret = await client.get(secretRef(revisionSecretName(env, 1)));
    expect(secret?.type).toBe("zakenak.io/revision");
    expect(secret?.metadata.labels).toMatchObject({
      "app.kubernetes.io/managed-by": "zakenak",
      "zakenak.io/environment": env,
      "zakenak.io/revision": "1",
    });
  });

  it("numbers revisions one past the highest, also when recorded concurrently", async () => {
    const env = uniqueEnvironment("hist-numbers");
    expect((await recordRevision(client, input(env))).number).toBe(1);
    expect((await recordRevision(client, input(env))).number).toBe(2);
    const concurrent = await Promise.all([1, 2, 3].map(() => recordRevision(client, input(env))));
    expect(concurrent.map((r) => r.number).sort((a, b) => a - b)).toEqual([3, 4, 5]);
  });

  it("records how a revision finished", async () => {
    const env = uniqueEnvironment("hist-finish");
    const rev = await recordRevision(client, input(env));
    const finished = await finishRevision(client, env, rev.number, {
      result: "failed",
      message: "health check failed:\n  Deployment ai/api not ready",
    });
    expect(finished).toMatchObject({
      result: "failed",
      message: "health check failed: Deployment ai/api not ready",
    });
    expect(finished.finishedAt?.getTime()).toBeGreaterThanOrEqual(rev.startedAt.getTime());
    const [listed] = await listRevisions(client, env);
    expect(listed).toEqual(finished);
    const err = await rejection(finishRevision(client, env, 9, { result: "succeeded" }));
    expect(isZakenakError(err) && err.code).toBe("revision-missing");
    expect(err.message).toBe(`revision 9 of ${env} does not exist`);
  });

  it("lists newest first, without manifests", async () => {
    const env = uniqueEnvironment("hist-list");
    await recordWithResults(env, ["succeeded", "failed", "in-progress"]);
    const other = uniqueEnvironment("hist-list-other");
    await recordWithResults(other, ["succeeded"]);
    const list = await listRevisions(client, env);
    expect(list.map((r) => [r.number, r.result])).toEqual([
      [3, "in-progress"],
      [2, "failed"],
      [1, "succeeded"],
    ]);
    const printed = JSON.stringify(list);
    expect(printed).not.toContain(SECRET_VALUE);
    expect(printed).not.toContain("api:1.2.3");
    for (const r of list) expect(Object.keys(r)).not.toContain("objects");
  });

  it("finds the last successful revision, skipping failed ones", async () => {
    const env = uniqueEnvironment("hist-last");
    expect(await lastSuccessful(client, env)).toBeUndefined();
    await recordWithResults(env, ["succeeded", "succeeded", "failed", "rolled-back", "in-progress"]);
    expect((await lastSuccessful(client, env))?.number).toBe(2);
    expect((await lastSuccessful(client, env, { before: 2 }))?.number).toBe(1);
    expect(await lastSuccessful(client, env, { before: 1 })).toBeUndefined();
  });

  it("prunes the oldest beyond the limit but keeps the newest successful", async () => {
    const env = uniqueEnvironment("hist-prune");
    await recordWithResults(env, ["failed", "succeeded", "failed", "failed", "failed", "failed"]);
    expect(await pruneHistory(client, env, 3)).toEqual([1, 3]);
    expect((await listRevisions(client, env)).map((r) => r.number)).toEqual([6, 5, 4, 2]);
    expect((await recordRevision(client, input(env))).number).toBe(7);
    expect(await pruneHistory(client, env, 3)).toEqual([4]);
    expect((await listRevisions(client, env)).map((r) => r.number)).toEqual([7, 6, 5, 2]);
  });

  it("chunks a large revision, reads it back identically, and prunes its parts", async () => {
    const env = uniqueEnvironment("hist-big");
    const big = [bigObject(3), ...objects];
    const recorded = await recordRevision(client, input(env, { objects: big }));
    expect(recorded.compressedBytes).toBeGreaterThan(2.9 * 1024 * 1024);
    expect(recorded.parts).toBe(4);
    const read = await readRevision(client, env, 1);
    expect(read.objects).toEqual(big);
    expect(read.inventory).toEqual(inventory);

    await recordWithResults(env, ["succeeded"]);
    await finishRevision(client, env, 1, { result: "failed" });
    expect(await pruneHistory(client, env, 1)).toEqual([1]);
    for (let k = 1; k <= 4; k++)
      expect(await client.get(secretRef(partSecretName(env, 1, k)))).toBeUndefined();
  });

  it("reports a missing or altered part instead of truncating", async () => {
    const env = uniqueEnvironment("hist-missing-part");
    await recordRevision(client, input(env, { objects: [bigObject(2)] }));
    const part2 = await client.get(secretRef(partSecretName(env, 1, 2)));
    if (!part2) throw new Error("part 2 was not written");
    await client.delete(secretRef(partSecretName(env, 1, 2)));
    const missing = await rejection(readRevision(client, env, 1));
    expect(isZakenakError(missing) && missing.code).toBe("revision-incomplete");
    expect(missing.message).toBe(
      `revision 1 of ${env} is incomplete: part 2 missing (it may still be being recorded)`,
    );

    const data = part2.data as Record<string, string>;
    const altered = Buffer.from(data.chunk ?? "", "base64");
    altered[100] = (altered[100] ?? 0) ^ 0xff;
    const { uid: _uid, resourceVersion: _rv, ...metadata } = part2.metadata;
    await client.create({ ...part2, metadata, data: { chunk: altered.toString("base64") } });
    const corrupt = await rejection(readRevision(client, env, 1));
    expect(isZakenakError(corrupt) && corrupt.code).toBe("revision-incomplete");
    expect(corrupt.message).toMatch(
      /^revision 1 of \S+ is incomplete: its manifests do not match their recorded sha256/,
    );
  });

  it("reports a revision that does not exist", async () => {
    const env = uniqueEnvironment("hist-none");
    const err = await rejection(readRevision(client, env, 3));
    expect(isZakenakError(err) && err.code).toBe("revision-missing");
  });
});
