import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEnvironment } from "../../src/applying/apply-environment.js";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { readLock } from "../../src/applying/lock/read-lock.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { connectKube } from "../../src/kube/connect-kube.js";
import type { KubeObject } from "../../src/model/kube-object.js";
import {
  applyOptions,
  configMapObject,
  liveData,
  namespaceObject,
  sharedKubeconfig,
  uniqueName,
} from "../support/cluster-kit.js";

let clientA: ConnectedKubeClient;
let clientB: ConnectedKubeClient;

beforeAll(async () => {
  // Two clients, as two processes would have.
  clientA = await connectKube({ kubeconfig: sharedKubeconfig() });
  clientB = await connectKube({ kubeconfig: sharedKubeconfig() });
});

afterAll(() => {
  clientA?.close();
  clientB?.close();
});

function objectsFor(ns: string, who: string): KubeObject[] {
  return [
    namespaceObject(ns),
    configMapObject(ns, "winner", { by: who }),
    ...Array.from({ length: 40 }, (_, i) => configMapObject(ns, `${who}-${i}`, { by: who })),
  ];
}

describe("concurrent applies to one environment", () => {
  it("run one after the other under the lock, and both are recorded", async () => {
    const env = uniqueName("serial");
    const ns = env;
    const waitedOn = { a: [] as string[], b: [] as string[] };
    const a = applyOptions(clientA, env, objectsFor(ns, "a"), {
      lockWaitMs: 60_000,
      onLockWait: (info) => waitedOn.a.push(info.holder),
    });
    const b = applyOptions(clientB, env, objectsFor(ns, "b"), {
      lockWaitMs: 60_000,
      onLockWait: (info) => waitedOn.b.push(info.holder),
    });
    const finishedAt = new Map<string, number>();
    const run = (name: string, opts: typeof a) =>
      applyEnvironment(opts).then((outcome) => {
        finishedAt.set(name, Date.now());
        return outcome;
      });
    const [outA, outB] = await Promise.all([run("a", a), run("b", b)]);
    expect(outA.result).toBe("succeeded");
    expect(outB.result).toBe("succeeded");
    expect([outA.revision, outB.revision].sort()).toEqual([1, 2]);

    const [firstName, secondName] = outA.revision === 1 ? (["a", "b"] as const) : (["b", "a"] as const);
    const first = firstName === "a" ? a : b;
    const second = firstName === "a" ? b : a;
    const applying = (opts: typeof a) => opts.lines.find((l) => / applying /.test(l.line));
    // The second one starts applying only after the first one is done, lock released.
    expect(applying(second)?.line).toMatch(/^revision 2: applying 42 objects/);
    expect(applying(first)?.line).toMatch(/^revision 1: applying 42 objects/);
    const lastOfFirst = first.lines.at(-1)?.at ?? Number.POSITIVE_INFINITY;
    expect(applying(second)?.at).toBeGreaterThanOrEqual(lastOfFirst);
    expect(applying(second)?.at).toBeGreaterThanOrEqual(
      finishedAt.get(firstName) ?? Number.POSITIVE_INFINITY,
    );
    // The second one waited, and was told who held the lock.
    expect(waitedOn[secondName]).toEqual([first.holder]);
    expect(waitedOn[firstName]).toEqual([]);

    const history = await listRevisions(clientA, env);
    expect(history.map((r) => [r.number, r.result])).toEqual([
      [2, "succeeded"],
      [1, "succeeded"],
    ]);
    const [rev2, rev1] = history;
    expect(rev2?.startedAt.getTime()).toBeGreaterThanOrEqual(rev1?.finishedAt?.getTime() ?? Number.NaN);
    // The second apply pruned what only the first one had: the environment is exactly the second.
    expect(await liveData(clientA, ns, "winner")).toEqual({ by: secondName });
    expect(await liveData(clientA, ns, `${firstName}-0`)).toBeUndefined();
    expect(await liveData(clientA, ns, `${secondName}-39`)).toEqual({ by: secondName });
    expect(await readLock(clientA, env)).toBeUndefined();
  });
});
