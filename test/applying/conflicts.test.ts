import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEnvironment } from "../../src/applying/apply-environment.js";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { readLock } from "../../src/applying/lock/read-lock.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { KubeApiError } from "../../src/kube/kube-api-error.js";
import { ENVIRONMENT_LABEL } from "../../src/server-side-apply/strip-server-fields.js";
import {
  applyOptions,
  configMapObject,
  connectShared,
  liveData,
  managersOf,
  namespaceObject,
  refOf,
  rejectionOf,
  uniqueName,
} from "../support/cluster-kit.js";

let client: ConnectedKubeClient;

beforeAll(async () => {
  client = await connectShared();
});

afterAll(() => {
  client?.close();
});

describe("field-manager conflicts", () => {
  it("reports a field another manager owns and leaves it alone; forceConflicts takes it over", async () => {
    const env = uniqueName("conflict");
    const ns = env;
    await client.apply(namespaceObject(ns), { fieldManager: "kubectl-edit" });
    await client.apply(configMapObject(ns, "tuning", { x: "1" }), { fieldManager: "kubectl-edit" });

    const objects = [namespaceObject(ns), configMapObject(ns, "tuning", { x: "2" })];
    const err = await rejectionOf(applyEnvironment(applyOptions(client, env, objects)));
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.code).toBe("apply-conflict");
    expect(err.message).toContain(`ConfigMap ${ns}/tuning`);
    expect(err.message).toContain('.data.x is owned by "kubectl-edit"');
    expect(err.message).toContain("forceConflicts: true");
    expect((err as KubeApiError).conflicts).toEqual([{ field: ".data.x", manager: "kubectl-edit" }]);
    expect(await liveData(client, ns, "tuning")).toEqual({ x: "1" });

    const [failed] = await listRevisions(client, env);
    expect(failed).toMatchObject({ number: 1, result: "failed" });
    expect(failed?.message).toContain("kubectl-edit");
    expect(await readLock(client, env)).toBeUndefined();

    const forced = await applyEnvironment(applyOptions(client, { name: env, forceConflicts: true }, objects));
    expect(forced.result).toBe("succeeded");
    expect(forced.deploy.written).toContain(`ConfigMap/${ns}/tuning`);
    expect(await liveData(client, ns, "tuning")).toEqual({ x: "2" });
    const live = await client.get(refOf(objects[1] as (typeof objects)[number]));
    expect(managersOf(live)).toContain("zakenak/Apply");
  });

  it("writes nothing more once the apply has failed and let go of its lock", async () => {
    // 200 objects; the first one conflicts. Once applyEnvironment has rejected (revision marked
    // failed, lock released), no further object of that apply may be written: another apply may
    // hold the lock by then.
    const env = uniqueName("stop-on-fail");
    const ns = env;
    await client.apply(namespaceObject(ns), { fieldManager: "kubectl-edit" });
    await client.apply(configMapObject(ns, "cm-000", { x: "theirs" }), { fieldManager: "kubectl-edit" });
    const objects = [
      namespaceObject(ns),
      ...Array.from({ length: 200 }, (_, i) =>
        configMapObject(ns, `cm-${String(i).padStart(3, "0")}`, { x: "ours", filler: "y".repeat(2000) }),
      ),
    ];
    const err = await rejectionOf(applyEnvironment(applyOptions(client, env, objects)));
    expect(err.code).toBe("apply-conflict");
    const count = async () =>
      (await client.list("v1", "ConfigMap", { namespace: ns, labelSelector: `${ENVIRONMENT_LABEL}=${env}` }))
        .length;
    const atFailure = await count();
    // Watch for a while: the number of objects this apply wrote must not move any more.
    const seen = [atFailure];
    for (let i = 0; i < 20; i++) {
      await delay(100);
      seen.push(await count());
    }
    expect(
      seen.every((n) => n === atFailure),
      `objects written after the failure: ${seen.join(" → ")}`,
    ).toBe(true);
  });
});
