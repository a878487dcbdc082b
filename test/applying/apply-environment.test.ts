import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEnvironment } from "../../src/applying/apply-environment.js";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { readRevision } from "../../src/applying/history/read-revision.js";
import { readLock } from "../../src/applying/lock/read-lock.js";
import { PRUNE_ANNOTATION } from "../../src/applying/prune-objects.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import type { KubeObject } from "../../src/model/kube-object.js";
import { APPLIED_HASH, ENVIRONMENT_LABEL } from "../../src/server-side-apply/strip-server-fields.js";
import {
  applyOptions,
  configMapObject,
  connectShared,
  deploymentObject,
  liveData,
  managersOf,
  namespaceObject,
  refOf,
  rejectionOf,
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

describe("applyEnvironment", () => {
  it("applies, skips an unchanged re-apply, applies a change and prunes what left, keeping prune: disabled", async () => {
    const env = uniqueName("apply");
    const ns = env;
    const keep = { [PRUNE_ANNOTATION]: "disabled" };
    const v1: KubeObject[] = [
      configMapObject(ns, "settings", { mode: "one", level: "3" }),
      configMapObject(ns, "leaving", { x: "1" }),
      configMapObject(ns, "sticky", { y: "1" }, keep),
      deploymentObject(ns, "web", "nginx:1.27.0"),
      // Listed after the objects inside it: the apply must still create it first.
      namespaceObject(ns),
    ];

    const first = await applyEnvironment(applyOptions(client, env, v1));
    expect(first.result).toBe("succeeded");
    expect(first.revision).toBe(1);
    expect(first.deploy.written).toHaveLength(5);
    expect(first.deploy.unchanged).toBe(0);
    for (const o of v1) {
      const live = await client.get(refOf(o));
      expect(live, `${o.kind} ${o.metadata.name}`).toBeDefined();
      expect(managersOf(live)).toContain("zakenak/Apply");
      expect(live?.metadata.labels?.[ENVIRONMENT_LABEL]).toBe(env);
      expect(live?.metadata.annotations?.[APPLIED_HASH]).toMatch(/^[0-9a-f]{32}$/);
    }
    let history = await listRevisions(client, env);
    expect(history.map((r) => [r.number, r.result, r.trigger])).toEqual([[1, "succeeded", "apply"]]);
    expect(history[0]).toMatchObject({ actor: "tester", ref: "main", objectCount: 5 });
    expect(await readLock(client, env)).toBeUndefined();

    const again = await applyEnvironment(applyOptions(client, env, v1));
    expect(again.result).toBe("succeeded");
    expect(again.revision).toBe(2);
    expect(again.deploy.written).toEqual([]);
    expect(again.deploy.unchanged).toBe(5);
    expect(again.deploy.pruned).toEqual([]);

    const v3 = [
      configMapObject(ns, "settings", { mode: "two", level: "3" }),
      deploymentObject(ns, "web", "nginx:1.27.0"),
      namespaceObject(ns),
    ];
    const third = await applyEnvironment(applyOptions(client, env, v3));
    expect(third.result).toBe("succeeded");
    expect(third.revision).toBe(3);
    expect(third.deploy.written).toEqual([`ConfigMap/${ns}/settings`]);
    expect(third.deploy.unchanged).toBe(2);
    expect(third.deploy.pruned).toEqual([`ConfigMap/${ns}/leaving`]);
    expect(third.deploy.keptFromPrune).toEqual([`ConfigMap/${ns}/sticky`]);
    expect(await liveData(client, ns, "settings")).toEqual({ mode: "two", level: "3" });
    expect(await liveData(client, ns, "leaving")).toBeUndefined();
    expect(await liveData(client, ns, "sticky")).toEqual({ y: "1" });

    history = await listRevisions(client, env);
    expect(history.map((r) => [r.number, r.result])).toEqual([
      [3, "succeeded"],
      [2, "succeeded"],
      [1, "succeeded"],
    ]);
    const stored = await readRevision(client, env, 3);
    expect(stored.objects).toEqual(v3);
    expect(stored.inventory.map((e) => `${e.kind}/${e.name}`)).toEqual([
      "ConfigMap/settings",
      "Deployment/web",
      `Namespace/${ns}`,
    ]);
  });

  it("applies a CustomResourceDefinition and an object of its kind in one go", async () => {
    const env = uniqueName("crd");
    const ns = env;
    const group = `${env}.zakenak.test`;
    const crd: KubeObject = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        scope: "Namespaced",
        names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: "object",
                properties: { spec: { type: "object", properties: { size: { type: "integer" } } } },
              },
            },
          },
        ],
      },
    };
    const widget: KubeObject = {
      apiVersion: `${group}/v1`,
      kind: "Widget",
      metadata: { name: "w1", namespace: ns },
      spec: { size: 3 },
    };
    // The custom object comes first in the render, its namespace and CRD after it.
    const objects = [widget, namespaceObject(ns), crd];
    const outcome = await applyEnvironment(applyOptions(client, env, objects));
    expect(outcome.result).toBe("succeeded");
    expect(outcome.deploy.written).toHaveLength(3);
    const live = await client.get(refOf(widget));
    expect(live?.spec).toEqual({ size: 3 });
    expect(managersOf(live)).toContain("zakenak/Apply");

    const again = await applyEnvironment(applyOptions(client, env, objects));
    expect(again.deploy.written).toEqual([]);
    expect(again.deploy.unchanged).toBe(3);
  });

  it("counts a re-applied Secret given as stringData as unchanged", async () => {
    // Helm charts commonly render Secrets with stringData; the server stores only data.
    const env = uniqueName("secret");
    const ns = env;
    const objects = [namespaceObject(ns), secretObject(ns, "creds", { password: "s3cret-value" })];
    const first = await applyEnvironment(applyOptions(client, env, objects));
    expect(first.deploy.written).toHaveLength(2);
    const again = await applyEnvironment(applyOptions(client, env, objects));
    expect(again.deploy.written).toEqual([]);
    expect(again.deploy.unchanged).toBe(2);
  });

  it("keeps only the newest historyLimit revisions", async () => {
    const env = uniqueName("limit");
    const ns = env;
    for (let n = 1; n <= 4; n++) {
      const out = await applyEnvironment(
        applyOptions(client, { name: env, historyLimit: 2 }, [
          namespaceObject(ns),
          configMapObject(ns, "settings", { v: String(n) }),
        ]),
      );
      expect(out.result).toBe("succeeded");
    }
    expect((await listRevisions(client, env)).map((r) => r.number)).toEqual([4, 3]);
  });

  it("prunes what failed applies created, even when the next one failed before pruning too", async () => {
    // Revision 2 adds `extra` and fails (a conflict) after creating it; revision 3 reverts that but
    // fails on the same conflict before it gets to pruning; revision 4 succeeds. The environment must
    // end up exactly as revision 4 says, without `extra`.
    const env = uniqueName("orphan");
    const ns = env;
    const base = [namespaceObject(ns), configMapObject(ns, "settings", { v: "1" })];
    expect((await applyEnvironment(applyOptions(client, env, base))).result).toBe("succeeded");
    await client.apply(configMapObject(ns, "contested", { x: "theirs" }), { fieldManager: "kubectl-edit" });
    const contested = configMapObject(ns, "contested", { x: "ours" });

    const second = applyEnvironment(
      applyOptions(client, env, [...base, configMapObject(ns, "extra", { v: "2" }), contested]),
    );
    expect((await rejectionOf(second)).code).toBe("apply-conflict");
    expect(await liveData(client, ns, "extra")).toEqual({ v: "2" });

    const third = applyEnvironment(applyOptions(client, env, [...base, contested]));
    expect((await rejectionOf(third)).code).toBe("apply-conflict");

    const fourth = await applyEnvironment(
      applyOptions(client, { name: env, forceConflicts: true }, [...base, contested]),
    );
    expect(fourth.result).toBe("succeeded");
    expect((await listRevisions(client, env)).map((r) => [r.number, r.result])).toEqual([
      [4, "succeeded"],
      [3, "failed"],
      [2, "failed"],
      [1, "succeeded"],
    ]);
    expect(await liveData(client, ns, "extra")).toBeUndefined();
  });

  it("does not prune an object that another environment has taken over", async () => {
    // Two environments on one cluster; a ConfigMap moves from the first to the second in Git.
    const first = uniqueName("env-a");
    const second = uniqueName("env-b");
    const ns = uniqueName("shared");
    const moving = configMapObject(ns, "moving", { v: "1" });
    await client.apply(namespaceObject(ns));
    expect((await applyEnvironment(applyOptions(client, first, [moving]))).result).toBe("succeeded");
    expect((await applyEnvironment(applyOptions(client, second, [moving]))).result).toBe("succeeded");
    const live = await client.get(refOf(moving));
    expect(live?.metadata.labels?.[ENVIRONMENT_LABEL]).toBe(second);

    const after = await applyEnvironment(
      applyOptions(client, first, [configMapObject(ns, "other", { v: "1" })]),
    );
    expect(after.result).toBe("succeeded");
    expect(after.deploy.pruned).toEqual([]);
    expect(await liveData(client, ns, "moving")).toEqual({ v: "1" });
  });
});
