// API server down: a control plane of this file's own loses its kube-apiserver (SIGKILL) while applies
// run, and gets it back (same etcd, same command line) after OUTAGE_SECONDS; a push arrives meanwhile.
// The apply jobs fail as retryable, retry with backoff, and finish once it is back: nothing recorded as
// succeeded that was not, no revision left in progress, each environment at its newest push.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { readLock } from "../../src/applying/lock/read-lock.js";
import { httpStatus } from "../../src/control-plane/http-status.js";
import { type ControlPlane, startControlPlane } from "../../src/control-plane/start-control-plane.js";
import { stopProcess } from "../../src/control-plane/stop-process.js";
import { type ConnectedKubeClient, connectKube } from "../../src/kube/connect-kube.js";
import { ENVIRONMENT_LABEL } from "../../src/server-side-apply/strip-server-fields.js";
import { uniqueName, waitFor } from "../support/cluster-kit.js";
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
  postGiteaDelivery,
  printFigure,
  startFleet,
} from "./chaos-kit.js";
import { pushPayload } from "./gitea-payloads.js";

const OUTAGE_SECONDS = chaosSize(8, 20);
const COUNT = chaosSize(150, 400);
const ENVS = [
  { name: uniqueName("outage-prod"), branch: "main", dir: "manifests/prod" },
  { name: uniqueName("outage-stage"), branch: "develop", dir: "manifests/stage" },
] as const;
type Env = (typeof ENVS)[number];
const secret = hex(16);

// This file kills and restarts kube-apiserver, so it has a control plane of its own.
let cp: ControlPlane;
let restartedPid: number | undefined;
let world: GiteaWorld;
let client: ConnectedKubeClient;
let repo: TestRepo;
let fleet: Fleet;

/** The environment's namespace and COUNT ConfigMaps of about 1 KB whose `version` is `version`. */
function manifests(env: Env, version: string): Record<string, string> {
  const docs = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${env.name}\n`];
  for (let i = 0; i < COUNT; i++) {
    docs.push(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${env.name}\ndata:\n  version: ${version}\n  text: "${"y".repeat(1000)}"\n`,
    );
  }
  return { [`${env.dir}/all.yaml`]: docs.join("---\n") };
}

function zakenakYaml(): string {
  return [
    "environments:",
    ...ENVS.flatMap((e) => [`  - name: ${e.name}`, `    branch: ${e.branch}`]),
    "releases:",
    ...ENVS.flatMap((e) => [
      `  - name: app-${e.branch}`,
      `    manifests: ${e.dir}`,
      `    environments: [${e.name}]`,
    ]),
    "",
  ].join("\n");
}

beforeAll(async () => {
  // Settled, not raced: whatever started is kept for afterAll to stop, even when another start failed.
  const [c, w, built] = await Promise.allSettled([startControlPlane(), startGiteaWorld(), ensureBuilt()]);
  if (c.status === "fulfilled") cp = c.value;
  if (w.status === "fulfilled") world = w.value;
  for (const s of [c, w, built]) if (s.status === "rejected") throw s.reason;
  client = await connectKube({ kubeconfig: cp.kubeconfigPath });
  repo = await createTestRepo(world, {
    ".zakenak.yaml": zakenakYaml(),
    ...manifests(ENVS[0], "v1"),
    ...manifests(ENVS[1], "v1"),
  });
  fleet = await startFleet({
    serves: 1,
    workers: 2,
    env: {
      GITEA_URL: world.gitea.url,
      GITEA_TOKEN: world.bot.token,
      GITEA_WEBHOOK_SECRET: secret,
      KUBECONFIG: cp.kubeconfigPath,
    },
  });
}, 300_000);

afterAll(async () => {
  await fleet?.stop();
  client?.close();
  // kube-apiserver before etcd: the restarted one is ours to stop, the rest is the control plane's.
  if (restartedPid !== undefined) await stopProcess(restartedPid);
  await cp?.stop();
  await world?.stop();
}, 120_000);

/** kube-apiserver again, with the command line it was started with, on the same etcd. */
async function restartApiServer(argv: string[]): Promise<void> {
  const fd = openSync(join(cp.dir, "kube-apiserver-restarted.log"), "w");
  try {
    const [binary = "", ...args] = argv;
    const child = spawn(binary, args, { stdio: ["ignore", fd, fd] });
    child.unref();
    restartedPid = child.pid;
  } finally {
    closeSync(fd);
  }
  const ca = readFileSync(cp.caPath);
  await waitFor(
    "the restarted kube-apiserver to be ready",
    async () => (await httpStatus(`${cp.server}/readyz`, { ca, token: cp.token })) === 200,
    { timeoutMs: 120_000, intervalMs: 200 },
  );
}

async function live(env: Env) {
  const found = await client.list("v1", "ConfigMap", {
    namespace: env.name,
    labelSelector: `${ENVIRONMENT_LABEL}=${env.name}`,
  });
  return found.map((o) => (o.data as Record<string, string> | undefined)?.version);
}

async function push(env: Env, sha: string): Promise<void> {
  const reply = await postGiteaDelivery(fleet.serveUrls[0] as string, secret, {
    event: "push",
    payload: pushPayload({ owner: repo.owner, name: repo.name }, env.branch, sha, world.writer.username),
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
}

describe("the API server down while applies run", () => {
  it(
    "retries with backoff and records only what succeeded",
    async () => {
      const r = { owner: repo.owner, repo: repo.name };
      const heads: Record<string, string> = {};
      for (const env of ENVS) {
        heads[env.name] = (await world.admin.getBranch({ ...r, name: env.branch })).commit.id;
        await push(env, heads[env.name] as string);
      }
      await waitFor(
        "an apply to have written its first objects",
        async () => {
          for (const env of ENVS) if ((await live(env)).length > 0) return true;
          return false;
        },
        { timeoutMs: 180_000, intervalMs: 10 },
      );
      const argv = readFileSync(`/proc/${cp.pids.kubeApiserver}/cmdline`, "utf8")
        .split("\0")
        .filter((a) => a !== "");
      process.kill(cp.pids.kubeApiserver, "SIGKILL");
      const downAt = Date.now();

      // A push while the API server is away: intake and the queue do not need it.
      const stage = ENVS[1];
      const { commitSha } = await world.admin.putFiles({
        ...r,
        branch: stage.branch,
        files: manifests(stage, "v2"),
        message: "v2",
      });
      heads[stage.name] = commitSha;
      await push(stage, commitSha);

      // The outage lasts OUTAGE_SECONDS, and at least until an apply failed on it and will retry.
      const retrying = () =>
        fleet
          .logs()
          .filter((l) => l.msg === "job failed; will retry" && l.job === "apply" && l.time !== undefined);
      await waitFor(
        `${OUTAGE_SECONDS} s of outage with an apply failed on it`,
        () => Date.now() - downAt >= OUTAGE_SECONDS * 1000 && retrying().length > 0,
        { timeoutMs: 180_000, intervalMs: 100 },
      );
      const outage = (Date.now() - downAt) / 1000;
      // Nothing can be recorded while it is away; what was in progress stays so.
      await restartApiServer(argv);
      const upAt = Date.now();
      const counts = await fleet.waitForQueueEmpty(chaosSize(420_000, 600_000));
      const settledAt = Date.now();
      expect(counts.failed, fleet.explain()).toBe(0);

      const failures = retrying();
      for (const line of failures)
        expect(String(line.err), JSON.stringify(line)).toMatch(/API server|cluster/i);
      let revisions = 0;
      const summary: string[] = [];
      for (const env of ENVS) {
        const history = await listRevisions(client, env.name);
        revisions += history.length;
        summary.push(`${env.branch}:${history.map((h) => h.result).join("/")}`);
        // The newest revision is the newest push, succeeded, and what runs; none is left in progress, and
        // none but the newest push's says succeeded.
        const [newest] = history;
        const told = fleet
          .logs()
          .filter((l) => JSON.stringify(l).includes(env.name))
          .map((l) => JSON.stringify(l))
          .join("\n");
        expect([newest?.sha, newest?.result], told).toEqual([heads[env.name], "succeeded"]);
        expect(history.filter((h) => h.result === "in-progress")).toEqual([]);
        for (const h of history.slice(1)) {
          if (h.result === "succeeded")
            expect(h.sha, `an older succeeded revision of ${env.name}`).not.toBe(newest?.sha);
        }
        const version = env === stage ? "v2" : "v1";
        const values = await live(env);
        expect(values).toHaveLength(COUNT);
        expect(new Set(values)).toEqual(new Set([version]));
        expect(await readLock(client, env.name)).toBeUndefined();
      }
      expect(fleet.crashed(), fleet.explain()).toEqual([]);
      const backoffs = fleet.logs().filter((l) => l.msg === "retrying after backoff");
      printFigure("api-server-down", {
        outage_seconds: Math.round(outage * 10) / 10,
        apply_failures_retried: failures.length,
        backoff_delays_ms: backoffs.map((l) => l.delayMs).join("/"),
        recovered_seconds_after_return: Math.round((settledAt - upAt) / 100) / 10,
        revisions,
        history: summary.join(" "),
        failed_jobs: counts.failed ?? 0,
      });
    },
    chaosSize(600_000, 900_000),
  );
});
