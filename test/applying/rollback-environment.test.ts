import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEnvironment } from "../../src/applying/apply-environment.js";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { readLock } from "../../src/applying/lock/read-lock.js";
import { type RollbackOptions, rollbackEnvironment } from "../../src/applying/rollback-environment.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import type { KubeObject } from "../../src/model/kube-object.js";
import {
  applyOptions,
  configMapObject,
  connectShared,
  liveData,
  namespaceObject,
  rejectionOf,
  sharedKubeconfig,
  uniqueName,
} from "../support/cluster-kit.js";
import { tempDir } from "../support/repo-fixtures.js";
import { runCli } from "../support/run-cli.js";

let client: ConnectedKubeClient;

beforeAll(async () => {
  client = await connectShared();
});

afterAll(() => {
  client?.close();
});

function rollbackOptions(env: string, extra: Partial<RollbackOptions> = {}): RollbackOptions {
  return {
    client,
    environment: { name: env },
    actor: "bob",
    holder: uniqueName("rollback-holder"),
    holderDescription: "test rollback",
    lockWaitMs: 0,
    wait: false,
    log: () => {},
    ...extra,
  };
}

/** Revision n of an environment in namespace ns: ConfigMap settings v=n, plus `extra-n` from n = 3 on. */
function revisionObjects(ns: string, n: number): KubeObject[] {
  return [
    namespaceObject(ns),
    configMapObject(ns, "settings", { v: String(n) }),
    ...(n >= 3 ? [configMapObject(ns, `extra-${n}`, { v: String(n) })] : []),
  ];
}

async function applyRevisions(env: string, ns: string, count: number): Promise<void> {
  for (let n = 1; n <= count; n++) {
    const out = await applyEnvironment(
      applyOptions(client, env, revisionObjects(ns, n), { sha: `sha-${n}` }),
    );
    expect(out.result).toBe("succeeded");
  }
}

describe("rollbackEnvironment", () => {
  it("goes back to the last successful revision before the current one by default", async () => {
    const env = uniqueName("rb-default");
    const ns = env;
    await applyRevisions(env, ns, 3);

    const outcome = await rollbackEnvironment(rollbackOptions(env));
    expect(outcome).toMatchObject({ result: "succeeded", revision: 4, to: 2, sha: "sha-2" });
    expect(outcome.message).toContain("rolled");
    expect(outcome.deploy.pruned).toEqual([`ConfigMap/${ns}/extra-3`]);
    expect(await liveData(client, ns, "settings")).toEqual({ v: "2" });
    expect(await liveData(client, ns, "extra-3")).toBeUndefined();

    const [newest] = await listRevisions(client, env);
    expect(newest).toMatchObject({
      number: 4,
      trigger: "rollback",
      rollbackOf: 2,
      result: "succeeded",
      actor: "bob",
      sha: "sha-2",
    });
    expect(await readLock(client, env)).toBeUndefined();
  });

  it("goes back to the revision given with to", async () => {
    const env = uniqueName("rb-to");
    const ns = env;
    await applyRevisions(env, ns, 3);
    const outcome = await rollbackEnvironment(rollbackOptions(env, { to: 1 }));
    expect(outcome).toMatchObject({ result: "succeeded", revision: 4, to: 1, sha: "sha-1" });
    expect(await liveData(client, ns, "settings")).toEqual({ v: "1" });
    expect(await liveData(client, ns, "extra-3")).toBeUndefined();

    // And forward again to the newest, which brings back what the rollback pruned.
    const forward = await rollbackEnvironment(rollbackOptions(env, { to: 3 }));
    expect(forward).toMatchObject({ result: "succeeded", revision: 5, to: 3 });
    expect(await liveData(client, ns, "extra-3")).toEqual({ v: "3" });
    const history = await listRevisions(client, env);
    expect(history.map((r) => [r.number, r.trigger, r.rollbackOf ?? null])).toEqual([
      [5, "rollback", 3],
      [4, "rollback", 1],
      [3, "apply", null],
      [2, "apply", null],
      [1, "apply", null],
    ]);
  });

  it("refuses a revision that does not exist, recording nothing", async () => {
    const env = uniqueName("rb-missing");
    await applyRevisions(env, env, 1);
    const err = await rejectionOf(rollbackEnvironment(rollbackOptions(env, { to: 9 })));
    expect(err.code).toBe("revision-missing");
    expect(err.message).toContain("no revision 9");
    expect((await listRevisions(client, env)).map((r) => r.number)).toEqual([1]);
    expect(await readLock(client, env)).toBeUndefined();
  });

  it("refuses the default rollback with a single successful revision", async () => {
    const env = uniqueName("rb-single");
    await applyRevisions(env, env, 1);
    const err = await rejectionOf(rollbackEnvironment(rollbackOptions(env)));
    expect(err.code).toBe("revision-missing");
  });

  it("goes back to the last successful revision when the newest apply failed midway", async () => {
    // Revision 2 failed with an error (here: a field another manager owns), leaving the
    // environment half-way: a rollback must return to revision 1, the last one that succeeded.
    const env = uniqueName("rb-after-fail");
    const ns = env;
    await applyRevisions(env, ns, 1);
    await client.apply(configMapObject(ns, "owned-elsewhere", { x: "theirs" }), {
      fieldManager: "kubectl-edit",
    });
    const failing = [...revisionObjects(ns, 2), configMapObject(ns, "owned-elsewhere", { x: "ours" })];
    const err = await rejectionOf(applyEnvironment(applyOptions(client, env, failing)));
    expect(err.code).toBe("apply-conflict");
    expect((await listRevisions(client, env)).map((r) => [r.number, r.result])).toEqual([
      [2, "failed"],
      [1, "succeeded"],
    ]);

    const outcome = await rollbackEnvironment(rollbackOptions(env));
    expect(outcome).toMatchObject({ result: "succeeded", revision: 3, to: 1 });
    expect(await liveData(client, ns, "settings")).toEqual({ v: "1" });
  });

  it("works from the history alone through the CLI, without a repository", async () => {
    const env = uniqueName("rb-cli");
    const ns = env;
    await applyRevisions(env, ns, 2);
    const empty = tempDir("zakenak-no-repo-");
    try {
      const run = (...argv: string[]) => runCli(argv, { cwd: empty.dir, cacheDir: empty.dir });
      const r = await run("rollback", "--env", env, "--kubeconfig", sharedKubeconfig(), "--no-wait");
      expect(r.stderr).toContain(`revision 3: rolling ${env} back to revision 1`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`rolled ${env} back to revision 1; recorded as revision 3`);
      expect(await liveData(client, ns, "settings")).toEqual({ v: "1" });

      const again = await run(
        "rollback",
        "--env",
        env,
        "--kubeconfig",
        sharedKubeconfig(),
        "--to",
        "2",
        "--no-wait",
      );
      expect(again.code, again.stderr).toBe(0);
      expect(await liveData(client, ns, "settings")).toEqual({ v: "2" });

      const bad = await run("rollback", "--env", env, "--kubeconfig", sharedKubeconfig(), "--to", "0");
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("--to must be a revision number");
    } finally {
      empty.cleanup();
    }
  });
});
