import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEnvironment } from "../../src/applying/apply-environment.js";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { acquireLock } from "../../src/applying/lock/acquire-lock.js";
import { type ReconcileOptions, reconcileEnvironment } from "../../src/applying/reconcile-environment.js";
import { rollbackEnvironment } from "../../src/applying/rollback-environment.js";
import { checkDrift } from "../../src/drift/check-drift.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import {
  applyOptions,
  configMapObject,
  connectShared,
  liveData,
  namespaceObject,
  secretObject,
  uniqueName,
} from "../support/cluster-kit.js";

let client: ConnectedKubeClient;

beforeAll(async () => {
  client = await connectShared();
});

afterAll(() => {
  client?.close();
});

function reconcileOptions(env: string, revision: number): ReconcileOptions {
  return {
    client,
    environment: { name: env },
    revision,
    holder: uniqueName("drift-holder"),
    holderDescription: "test drift healing",
    wait: false,
    log: () => {},
  };
}

const objects = (ns: string, color: string) => [
  namespaceObject(ns),
  configMapObject(ns, "settings", { color }),
  secretObject(ns, "creds", { password: "correct-horse-battery" }),
];

describe("healing an environment", () => {
  it("applies the deployed revision again, and a rollback afterwards goes back from it", async () => {
    const env = uniqueName("reconcile");
    const ns = uniqueName("reconcile");
    await applyEnvironment(applyOptions(client, env, objects(ns, "blue"), { sha: "a".repeat(40) }));
    await applyEnvironment(applyOptions(client, env, objects(ns, "green"), { sha: "b".repeat(40) }));
    await client.apply(
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "creds", namespace: ns },
        stringData: { password: "hand-set-value" },
      },
      { fieldManager: "kubectl-edit", force: true },
    );
    await client.apply(configMapObject(ns, "settings", { color: "pink" }), {
      fieldManager: "kubectl-edit",
      force: true,
    });

    const drift = await checkDrift(client, { name: env });
    expect(drift).toMatchObject({ status: "drifted", revision: 2, sha: "b".repeat(40) });
    expect(drift.objects.map((o) => `${o.kind} ${o.fields.join(",")}`).sort()).toEqual([
      "ConfigMap data.color",
      "Secret data.password",
    ]);
    // Secret values never show, in the diff nor in the fields.
    const printed = JSON.stringify(drift);
    expect(printed).not.toContain("hand-set-value");
    expect(printed).not.toContain("correct-horse-battery");
    expect(printed).not.toContain(Buffer.from("hand-set-value").toString("base64"));

    const healed = await reconcileEnvironment(reconcileOptions(env, 2));
    expect(healed).toMatchObject({ result: "succeeded", revision: 3, of: 2, sha: "b".repeat(40) });
    expect(await liveData(client, ns, "settings")).toEqual({ color: "green" });
    expect((await checkDrift(client, { name: env })).status).toBe("in-sync");
    expect((await listRevisions(client, env))[0]).toMatchObject({
      number: 3,
      trigger: "reconcile",
      rollbackOf: 2,
    });

    const back = await rollbackEnvironment({
      client,
      environment: { name: env },
      actor: "bob",
      holder: uniqueName("rollback-holder"),
      holderDescription: "test rollback",
      lockWaitMs: 0,
      wait: false,
      log: () => {},
    });
    expect(back).toMatchObject({ result: "succeeded", to: 1, revision: 4 });
    expect(await liveData(client, ns, "settings")).toEqual({ color: "blue" });
  });

  it("gives way to a deploy holding the lock, and applies nothing once another revision is deployed", async () => {
    const env = uniqueName("reconcile");
    const ns = uniqueName("reconcile");
    await applyEnvironment(applyOptions(client, env, objects(ns, "blue")));
    const lock = await acquireLock(client, {
      environment: env,
      holder: "test/deploy",
      description: "a deploy",
    });
    expect(await reconcileEnvironment(reconcileOptions(env, 1))).toEqual({
      result: "skipped",
      reason: expect.stringContaining("locked by a deploy"),
    });
    await lock.release();
    await applyEnvironment(applyOptions(client, env, objects(ns, "green")));
    expect(await reconcileEnvironment(reconcileOptions(env, 1))).toEqual({
      result: "skipped",
      reason: "revision 1 is no longer the deployed one (now 2)",
    });
    expect((await listRevisions(client, env)).map((r) => r.trigger)).toEqual(["apply", "apply"]);
  });

  it("finds objects missing from the cluster, and none to compare before a revision succeeds", async () => {
    const env = uniqueName("reconcile");
    const ns = uniqueName("reconcile");
    await expect(checkDrift(client, { name: env })).rejects.toMatchObject({ code: "revision-missing" });
    await applyEnvironment(applyOptions(client, env, objects(ns, "blue")));
    await client.delete({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "settings" });
    expect(await checkDrift(client, { name: env })).toMatchObject({
      status: "missing",
      objects: [{ kind: "ConfigMap", namespace: ns, name: "settings", fields: [], missing: true }],
    });
  });
});
