import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEnvironment } from "../../src/applying/apply-environment.js";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import type { KubeObject } from "../../src/model/kube-object.js";
import {
  applyOptions,
  configMapObject,
  connectShared,
  deploymentObject,
  jobObject,
  liveData,
  namespaceObject,
  refOf,
  uniqueName,
  waitFor,
} from "../support/cluster-kit.js";
import { type FakeController, markJobFailed, startFakeController } from "../support/fake-controller.js";

let client: ConnectedKubeClient;
const controllers: FakeController[] = [];

beforeAll(async () => {
  client = await connectShared();
});

afterAll(async () => {
  await Promise.all(controllers.map((c) => c.stop()));
  client?.close();
});

function imageOf(dep: KubeObject | undefined): string | undefined {
  const spec = dep?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined;
  return spec?.template.spec.containers[0]?.image;
}

describe("applyEnvironment with health", () => {
  it("succeeds once the Deployment's controller reports it rolled out", async () => {
    const env = uniqueName("healthy");
    const ns = env;
    const controller = startFakeController(client, { namespaces: [ns] });
    controllers.push(controller);
    const objects = [namespaceObject(ns), deploymentObject(ns, "api", "nginx:1.27.0", 2)];
    const outcome = await applyEnvironment(
      applyOptions(client, { name: env, healthTimeoutSeconds: 60 }, objects, { wait: true }),
    );
    expect(outcome.result, outcome.message).toBe("succeeded");
    expect(outcome.deploy.health).toEqual({ healthy: true, message: "1 workloads healthy" });
    expect(controller.actions).toContain(`Deployment/${ns}/api@1: ready`);
    expect(controller.errors).toEqual([]);
    const [rev] = await listRevisions(client, env);
    expect(rev).toMatchObject({ number: 1, result: "succeeded", message: "1 workloads healthy" });
  });

  it("fails at once on ProgressDeadlineExceeded and rolls back to the previous revision by itself", async () => {
    const env = uniqueName("deadline");
    const ns = env;
    const controller = startFakeController(client, {
      namespaces: [ns],
      deployments: (dep) => (imageOf(dep)?.includes("broken") ? "deadline-exceeded" : "ready"),
    });
    controllers.push(controller);
    const environment = { name: env, healthTimeoutSeconds: 120 };
    const good = [
      namespaceObject(ns),
      deploymentObject(ns, "api", "nginx:1.27.0"),
      configMapObject(ns, "settings", { v: "1" }),
    ];
    const first = await applyEnvironment(applyOptions(client, environment, good, { wait: true }));
    expect(first.result, first.message).toBe("succeeded");

    const bad = [
      namespaceObject(ns),
      deploymentObject(ns, "api", "nginx:broken"),
      configMapObject(ns, "settings", { v: "2" }),
      configMapObject(ns, "added", { v: "2" }),
    ];
    const options = applyOptions(client, environment, bad, { wait: true });
    const started = Date.now();
    const outcome = await applyEnvironment(options);
    const elapsed = Date.now() - started;

    expect(outcome.result, outcome.message).toBe("rolled-back");
    // Failed is final: nothing is gained by waiting out the 120 s health timeout.
    expect(elapsed).toBeLessThan(30_000);
    expect(outcome.revision).toBe(2);
    expect(outcome.deploy.health.healthy).toBe(false);
    expect(outcome.deploy.health.message).toContain(`Deployment/${ns}/api: progress deadline exceeded`);
    expect(outcome.rollback).toMatchObject({ to: 1, revision: 3, result: "succeeded" });
    expect(outcome.rollback?.deploy.pruned).toEqual([`ConfigMap/${ns}/added`]);
    expect(outcome.message).toContain("rolled back to revision 1");
    expect(options.lines.map((l) => l.line)).toContainEqual(
      expect.stringMatching(/^health failed \(.*progress deadline exceeded.*\); rolling back to revision 1$/),
    );

    const live = await client.get(refOf(deploymentObject(ns, "api", "")));
    expect(imageOf(live)).toBe("nginx:1.27.0");
    expect(await liveData(client, ns, "settings")).toEqual({ v: "1" });
    expect(await liveData(client, ns, "added")).toBeUndefined();

    const history = await listRevisions(client, env);
    expect(history.map((r) => [r.number, r.result, r.trigger, r.rollbackOf])).toEqual([
      [3, "succeeded", "auto-rollback", 1],
      [2, "rolled-back", "apply", undefined],
      [1, "succeeded", "apply", undefined],
    ]);
    expect(history[0]?.actor).toBe("zakenak");
    expect(history[1]?.message).toContain("progress deadline exceeded");
    expect(controller.errors).toEqual([]);
  });

  it("fails on a Job that failed, with nothing earlier to roll back to", async () => {
    const env = uniqueName("job");
    const ns = env;
    const job = jobObject(ns, "migrate");
    const pending = applyEnvironment(
      applyOptions(client, { name: env, healthTimeoutSeconds: 120 }, [namespaceObject(ns), job], {
        wait: true,
      }),
    );
    // The Job controller's part: once the Job exists, report it failed.
    const live = await waitFor("the Job to exist", () => client.get(refOf(job)));
    await markJobFailed(client, live);
    const started = Date.now();
    const outcome = await pending;
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(outcome.result).toBe("failed");
    expect(outcome.rollback).toBeUndefined();
    expect(outcome.message).toContain(`Job/${ns}/migrate: job failed`);
    expect(outcome.message).toContain("no earlier successful revision to roll back to");
    const [rev] = await listRevisions(client, env);
    expect(rev).toMatchObject({ number: 1, result: "failed" });
    expect(rev?.message).toContain("job failed");
  });

  it("fails when the workloads are not healthy within healthTimeoutSeconds", async () => {
    const env = uniqueName("timeout");
    const ns = env;
    // No controller: the Deployment is never observed.
    const objects = [namespaceObject(ns), deploymentObject(ns, "api", "nginx:1.27.0")];
    const started = Date.now();
    const outcome = await applyEnvironment(
      applyOptions(client, { name: env, healthTimeoutSeconds: 2 }, objects, { wait: true }),
    );
    const elapsed = Date.now() - started;
    expect(outcome.result).toBe("failed");
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    expect(elapsed).toBeLessThan(20_000);
    expect(outcome.deploy.health.message).toBe(
      `not healthy after 2s: Deployment/${ns}/api (waiting for the rollout to be observed)`,
    );
    const [rev] = await listRevisions(client, env);
    expect(rev).toMatchObject({ number: 1, result: "failed" });
  });

  it("times out into an automatic rollback when an earlier revision succeeded", async () => {
    const env = uniqueName("timeout-rb");
    const ns = env;
    const controller = startFakeController(client, {
      namespaces: [ns],
      deployments: (dep) => (imageOf(dep)?.includes("hangs") ? "leave" : "ready"),
    });
    controllers.push(controller);
    const environment = { name: env, healthTimeoutSeconds: 2 };
    const first = await applyEnvironment(
      applyOptions(client, environment, [namespaceObject(ns), deploymentObject(ns, "api", "nginx:1.27.0")], {
        wait: true,
      }),
    );
    expect(first.result, first.message).toBe("succeeded");
    const outcome = await applyEnvironment(
      applyOptions(client, environment, [namespaceObject(ns), deploymentObject(ns, "api", "nginx:hangs")], {
        wait: true,
      }),
    );
    expect(outcome.result).toBe("rolled-back");
    expect(outcome.deploy.health.message).toContain("not healthy after 2s");
    expect(outcome.rollback).toMatchObject({ to: 1, revision: 3, result: "succeeded" });
    expect(imageOf(await client.get(refOf(deploymentObject(ns, "api", ""))))).toBe("nginx:1.27.0");
  });
});
