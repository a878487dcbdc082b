// Killed worker: the `zakenak worker` process running an apply is SIGKILLed midway. BullMQ's stalled-job
// check (ZAKENAK_STALL_SECONDS) gives the job to the other worker. The environment's lock is a Lease whose
// holder is the job, not the process: the worker that took the job over takes the Lease over at once
// (other holders wait for the dead one's lease to run out), settles the interrupted revision and applies
// the same commit again. The cluster ends as an apply without the kill would leave it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { DEFAULT_LEASE_SECONDS } from "../../src/applying/lock/lock-lease.js";
import { readLock } from "../../src/applying/lock/read-lock.js";
import type { ConnectedKubeClient } from "../../src/kube/connect-kube.js";
import { enqueueDelivery } from "../../src/queue/delivery-queue.js";
import { ENVIRONMENT_LABEL } from "../../src/server-side-apply/strip-server-fields.js";
import { connectShared, uniqueName, waitFor } from "../support/cluster-kit.js";
import { pushEvent } from "../workers/bot-events.js";
import {
  createTestRepo,
  type GiteaWorld,
  hex,
  startGiteaWorld,
  type TestRepo,
} from "../workers/worker-kit.js";
import {
  chaosSize,
  ensureBuilt,
  type Fleet,
  type FleetLogLine,
  printFigure,
  startFleet,
} from "./chaos-kit.js";

/** ConfigMaps of about 1 KB each: enough that the apply is still running when the kill comes. */
const COUNT = chaosSize(300, 1000);
const STALL_SECONDS = 10;
const env = uniqueName("killed");
const secret = hex(16);

let world: GiteaWorld;
let client: ConnectedKubeClient;
let repo: TestRepo;
let fleet: Fleet;

function bulkFiles(): Record<string, string> {
  const docs = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${env}\n`];
  for (let i = 0; i < COUNT; i++) {
    docs.push(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${env}\ndata:\n  n: "${i}"\n  text: "${"x".repeat(1000)}"\n`,
    );
  }
  return {
    ".zakenak.yaml": `environments:\n  - name: ${env}\n    branch: main\nreleases:\n  - name: bulk\n    manifests: manifests/bulk\n`,
    "manifests/bulk/all.yaml": docs.join("---\n"),
  };
}

beforeAll(async () => {
  // Settled, not raced: whatever started is kept for afterAll to stop, even when another start failed.
  const [w, c, built] = await Promise.allSettled([startGiteaWorld(), connectShared(), ensureBuilt()]);
  if (w.status === "fulfilled") world = w.value;
  if (c.status === "fulfilled") client = c.value;
  for (const s of [w, c, built]) if (s.status === "rejected") throw s.reason;
  repo = await createTestRepo(world, bulkFiles());
  fleet = await startFleet({
    serves: 0,
    workers: 2,
    env: {
      GITEA_URL: world.gitea.url,
      GITEA_TOKEN: world.bot.token,
      GITEA_WEBHOOK_SECRET: secret,
      ZAKENAK_STALL_SECONDS: String(STALL_SECONDS),
    },
  });
}, 300_000);

afterAll(async () => {
  await fleet?.stop();
  await world?.stop();
  client?.close();
}, 120_000);

async function applied(): Promise<{ name: string; data: Record<string, string> }[]> {
  const found = await client.list("v1", "ConfigMap", {
    namespace: env,
    labelSelector: `${ENVIRONMENT_LABEL}=${env}`,
  });
  return found.map((o) => ({
    name: o.metadata.name as string,
    data: (o.data ?? {}) as Record<string, string>,
  }));
}

const applying = (revision: number) => (l: FleetLogLine) =>
  l.environment === env && l.msg.startsWith(`revision ${revision}: applying `);

describe("a worker SIGKILLed in the middle of an apply", () => {
  it(
    "leaves the job to another worker, which takes its lock over and finishes it",
    async () => {
      const head = (await world.admin.getBranch({ owner: repo.owner, repo: repo.name, name: "main" })).commit
        .id;
      // Straight into the queue, as intake would put it: only `zakenak worker` processes take jobs here.
      const delivery = {
        id: hex(8),
        host: "gitea" as const,
        event: pushEvent(repo, "main", head, world.writer.username),
      };
      expect(await enqueueDelivery(fleet.queue, delivery)).toEqual({ duplicate: false });

      // Mid-apply: a process said it is applying revision 1 and the first objects exist.
      const victim = await waitFor(
        "an apply to have started and written its first objects",
        async () => {
          const line = fleet.logs().find(applying(1));
          return line && (await applied()).length > 0 ? line.proc : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 10 },
      );
      const proc = fleet.processes.find((p) => p.name === victim);
      expect(await fleet.kill(proc as (typeof fleet.processes)[number], "SIGKILL")).toEqual({
        code: null,
        signal: "SIGKILL",
      });
      const killedAt = Date.now();
      const written = (await applied()).length;
      expect(written, "killed before it had written everything: make the apply bigger").toBeLessThan(COUNT);
      const left = await readLock(client, env);
      expect(left?.holder).toMatch(/^job\//);
      expect(left?.expired).toBe(false);
      expect((await listRevisions(client, env)).map((r) => [r.number, r.result])).toEqual([
        [1, "in-progress"],
      ]);

      // Another process takes the job over after the stall interval and waits out the lease.
      const takeover = await waitFor(
        "another process to apply revision 2",
        () => fleet.logs().find(applying(2)),
        {
          timeoutMs: 240_000,
          intervalMs: 100,
        },
      );
      const takeoverAt = Date.now();
      expect(takeover.proc).not.toBe(victim);
      // The Lease's holder is the job: whoever runs the job holds it, with no wait for it to expire.
      const waitedForLease = fleet
        .logs()
        .some((l) => l.environment === env && l.msg === "waiting for the lock");
      expect(waitedForLease).toBe(false);
      const counts = await fleet.waitForQueueEmpty(240_000);
      const recoveredAt = Date.now();
      expect(counts.failed, fleet.explain()).toBe(0);

      // The same end state as an apply without the kill: every object, with its values.
      const live = await applied();
      expect(live).toHaveLength(COUNT);
      for (const { name, data } of live) expect(data).toEqual({ n: name.slice(3), text: "x".repeat(1000) });
      const history = await listRevisions(client, env);
      expect(history.map((r) => [r.number, r.result, r.sha])).toEqual([
        [2, "succeeded", head],
        [1, "failed", head],
      ]);
      expect(history[1]?.message).toContain("interrupted");
      expect(await readLock(client, env)).toBeUndefined();
      expect(fleet.crashed(), fleet.explain()).toEqual([]);

      printFigure("killed-worker", {
        objects: COUNT + 1,
        killed: victim,
        written_before_kill: written,
        stall_seconds: STALL_SECONDS,
        lease_seconds: left?.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
        waited_for_lease: waitedForLease,
        takeover_seconds: Math.round((takeoverAt - killedAt) / 100) / 10,
        recovered_seconds: Math.round((recoveredAt - killedAt) / 100) / 10,
        revisions: history.map((r) => `${r.number}:${r.result}`).join(" "),
      });
    },
    chaosSize(480_000, 900_000),
  );
});
