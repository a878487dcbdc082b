import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRevisions } from "../../src/applying/history/list-revisions.js";
import { acquireLock } from "../../src/applying/lock/acquire-lock.js";
import { parseServerConfig } from "../../src/config/load-server-config.js";
import { driftSchedulerId, scheduleDriftChecks } from "../../src/drift/drift-schedule.js";
import { notificationSettings } from "../../src/notifications/notification-settings.js";
import { notificationsSchema } from "../../src/notifications/notifications-schema.js";
import { applyJobId } from "../../src/queue/apply-job.js";
import {
  type NotificationReceiver,
  startNotificationReceiver,
} from "../notifications/notification-receiver.js";
import { liveData, sharedKubeconfig, uniqueName, waitFor } from "../support/cluster-kit.js";
import { runCli } from "../support/run-cli.js";
import { pushEvent } from "../workers/bot-events.js";
import { webManifests } from "../workers/repo-files.js";
import {
  type BotUnderTest,
  botUnderTest,
  createTestRepo,
  type TestRepo,
  useWorldAndCluster,
} from "../workers/worker-kit.js";
import { closedPortKubeconfig, driftStateWhen, kubectl, laterCheck, replicasOf } from "./drift-kit.js";

const shared = useWorldAndCluster();

// Two environments deployed by one push: drift is only reported in `left`, healed in `healed`.
const left = uniqueName("left");
const healed = uniqueName("healed");
const nsLeft = uniqueName("drift-left");
const nsHealed = uniqueName("drift-healed");

const server = parseServerConfig(
  `repositories:
  - match: "**"
    environments:
      ${left}:
        drift: { interval: 1s }
      ${healed}:
        drift: { heal: true }
drift:
  interval: 1s
`,
  "server.yaml",
);

let bot: BotUnderTest;
let receiver: NotificationReceiver;
let repo: TestRepo;
let work: string;
const state = (env: string, what: string, ok: Parameters<typeof driftStateWhen>[5]) =>
  driftStateWhen(bot.redis, bot.keyPrefix, repo.ref.fullName, env, what, ok);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "zakenak-drift-"));
  repo = await createTestRepo(shared.world, {
    ".zakenak.yaml": `environments:
  - name: ${left}
    branch: develop
  - name: ${healed}
    branch: develop
releases:
  - name: a
    manifests: manifests/a
    environments: [${left}]
  - name: b
    manifests: manifests/b
    environments: [${healed}]
`,
    "manifests/a/app.yaml": webManifests(nsLeft, "nginx:1.27.0", "blue"),
    "manifests/b/app.yaml": webManifests(nsHealed, "nginx:1.27.0", "green"),
  });
  // Drift notices go where the operator routes them: a real webhook receiver on loopback.
  receiver = await startNotificationReceiver(`/hooks/${randomBytes(8).toString("hex")}`);
  const notifications = await notificationSettings(
    notificationsSchema.parse({
      targets: { ops: { type: "webhook", urlEnv: "DRIFT_HOOK_URL", secretEnv: "DRIFT_HOOK_SECRET" } },
      routes: [{ events: ["drift-found", "drift-healed"], targets: ["ops"] }],
      retry: { attempts: 2, delaySeconds: 1 },
    }),
    { DRIFT_HOOK_URL: receiver.url, DRIFT_HOOK_SECRET: "drift-hook-secret" },
  );
  bot = botUnderTest(shared.world, { server, ...(notifications ? { notifications } : {}) });
  await bot.start();
  const tip = (await shared.world.admin.getBranch({ owner: repo.owner, repo: repo.name, name: "develop" }))
    .commit.id;
  const push = await bot.deliver(pushEvent(repo, "develop", tip, shared.world.writer.username));
  for (const environment of [left, healed]) {
    const applied = await bot.finished(applyJobId({ parentJobId: push.jobId, environment }));
    expect(applied.returnvalue).toMatchObject({ result: "succeeded" });
  }
}, 300_000);

afterAll(async () => {
  await bot?.close();
  await receiver?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The notifications received about an environment, as `kind` and summary. */
function noticesAbout(environment: string): { kind: string; summary: string; revision?: number }[] {
  return receiver.received
    .map((r) => r.body as { kind: string; environment: string; summary: string; revision?: number })
    .filter((b) => b.environment === environment);
}

function zakenakDrift(environment: string, ...more: string[]) {
  return runCli(["drift", "--env", environment, "--kubeconfig", sharedKubeconfig(), ...more], {
    cwd: work,
    cacheDir: work,
  });
}

describe("drift of a deployed environment", () => {
  it("schedules a check per deployed environment and finds it in sync", async () => {
    const schedulers = await bot.queue.getJobSchedulers();
    const left1s = schedulers.find((s) => s.key === driftSchedulerId(repo.ref, left));
    expect(left1s).toMatchObject({ name: "drift", every: 1000 });
    const synced = await state(left, "in sync", (s) => s.status === "in-sync");
    expect(synced).toMatchObject({ repository: repo.ref.fullName, host: "gitea", objects: [] });
    expect(synced.revision).toBe((await listRevisions(shared.client, left))[0]?.number);
    expect(Date.parse(synced.nextCheckAt) - Date.parse(synced.checkedAt)).toBe(1000);
    const cli = await zakenakDrift(left);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`${left}: in sync with revision ${synced.revision}`);
  });

  it("reports a change made with kubectl within an interval, and leaves it alone without healing", async () => {
    const revisions = await listRevisions(shared.client, left);
    const changedAt = Date.now();
    await kubectl("scale", "deployment/web", "--replicas=3", "-n", nsLeft);
    await kubectl(
      "patch",
      "configmap/settings",
      "-n",
      nsLeft,
      "--type=merge",
      "-p",
      '{"data":{"color":"red"}}',
    );

    const drifted = await state(
      left,
      "drifted",
      laterCheck(changedAt, (s) => s.status === "drifted" && s.objects.length === 2),
    );
    expect(Date.parse(drifted.checkedAt) - changedAt).toBeLessThan(5_000);
    expect(drifted.objects).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "Deployment",
          namespace: nsLeft,
          name: "web",
          fields: ["spec.replicas"],
        }),
        expect.objectContaining({
          kind: "ConfigMap",
          namespace: nsLeft,
          name: "settings",
          fields: ["data.color"],
        }),
      ]),
    );

    // Checks go on and leave the cluster as it is.
    await state(
      left,
      "checked again",
      laterCheck(drifted.checkedAt, (s) => s.status === "drifted"),
    );
    expect(await replicasOf(shared.client, nsLeft)).toBe(3);
    expect(await liveData(shared.client, nsLeft, "settings")).toEqual({ color: "red" });
    expect(await listRevisions(shared.client, left)).toEqual(revisions);
    const found = await waitFor(
      "the drift to be announced",
      () => noticesAbout(left).length > 0 && noticesAbout(left),
    );
    expect(found).toEqual([expect.objectContaining({ kind: "drift-found", revision: drifted.revision })]);
    expect(found[0]?.summary).toContain(`Deployment/${nsLeft}/web (spec.replicas)`);

    const text = await zakenakDrift(left);
    expect(text.code, text.stderr).toBe(2);
    expect(text.stdout).toContain(`${left}: drifted from revision ${drifted.revision}`);
    expect(text.stdout).toContain(`Deployment/${nsLeft}/web: spec.replicas`);
    expect(text.stdout).toContain("-  color: red");
    expect(text.stdout).toContain("+  color: blue");
    const json = await zakenakDrift(left, "--format", "json");
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      environment: left,
      status: "drifted",
      revision: drifted.revision,
    });
  });

  it("heals a changed and a deleted object, recording a reconcile revision, never while the lock is held", async () => {
    await state(healed, "in sync", (s) => s.status === "in-sync");
    const before = await listRevisions(shared.client, healed);
    // Holding the lock as a deploy would: checks give way, so both changes are found by one check.
    const lock = await acquireLock(shared.client, {
      environment: healed,
      holder: "test/deploying",
      description: "a deploy in the test",
    });
    const lockedAt = Date.now();
    await kubectl("scale", "deployment/web", "--replicas=4", "-n", nsHealed);
    await kubectl("delete", "configmap/settings", "-n", nsHealed);
    await waitFor("a check to give way to the lock", async () => {
      const jobs = await bot.queue.getJobs(["completed"]);
      return jobs.some(
        (j) =>
          j.name === "drift" &&
          j.data.environment === healed &&
          j.finishedOn !== undefined &&
          j.finishedOn > lockedAt &&
          String(j.returnvalue?.reason).includes("locked by a deploy in the test"),
      );
    });
    expect(await listRevisions(shared.client, healed)).toEqual(before);
    expect(await replicasOf(shared.client, nsHealed)).toBe(4);
    await lock.release();

    const back = await state(
      healed,
      "healed",
      laterCheck(lockedAt, (s) => s.healed?.result === "succeeded" && s.status === "in-sync"),
    );
    const [reconcile, ...rest] = await listRevisions(shared.client, healed);
    expect(rest).toEqual(before);
    expect(reconcile).toMatchObject({
      number: (before[0]?.number ?? 0) + 1,
      trigger: "reconcile",
      result: "succeeded",
      rollbackOf: before[0]?.number,
      actor: "zakenak",
      sha: before[0]?.sha,
    });
    expect(back).toMatchObject({ revision: reconcile?.number, healed: { revision: reconcile?.number } });
    expect(await replicasOf(shared.client, nsHealed)).toBe(1);
    expect(await liveData(shared.client, nsHealed, "settings")).toEqual({ color: "green" });
    const audit = await bot.workers[0]?.audit.read({ count: 20 });
    expect(audit?.find((e) => e.action === "reconcile")).toMatchObject({
      environment: healed,
      result: "succeeded",
      actor: "zakenak",
    });
    const cli = await zakenakDrift(healed);
    expect(cli.code, cli.stderr).toBe(0);
    const told = await waitFor("the healing to be announced", () => {
      const notices = noticesAbout(healed);
      return notices.some((n) => n.kind === "drift-healed") && notices;
    });
    expect(told.map((n) => n.kind)).toEqual(["drift-found", "drift-healed"]);
    expect(told[0]?.summary).toContain(`is missing objects of revision ${before[0]?.number}`);
    expect(told[0]?.summary).toContain(`ConfigMap/${nsHealed}/settings missing`);
    expect(told[0]?.summary).toContain(`Deployment/${nsHealed}/web (spec.replicas)`);
    expect(told[1]).toMatchObject({ revision: reconcile?.number });
  });

  it("finds an unreachable cluster unknown and backs off further each time", async () => {
    const unreachable = botUnderTest(shared.world, { server });
    try {
      await unreachable.start({ kube: { kubeconfig: await closedPortKubeconfig(work) } });
      await scheduleDriftChecks(unreachable.queue, server, { repo: repo.ref, environment: left });
      const at = (s: string) => Date.parse(s);
      const first = await driftStateWhen(
        unreachable.redis,
        unreachable.keyPrefix,
        repo.ref.fullName,
        left,
        "unknown",
        (s) => s.status === "unknown",
      );
      expect(first).toMatchObject({ failures: 1, objects: [] });
      expect(first.error).toMatch(/127\.0\.0\.1/);
      const firstWait = at(first.nextCheckAt) - at(first.checkedAt);
      // Twice the interval, plus at most a quarter of jitter.
      expect(firstWait).toBeGreaterThanOrEqual(2_000);
      expect(firstWait).toBeLessThanOrEqual(2_500);

      const second = await driftStateWhen(
        unreachable.redis,
        unreachable.keyPrefix,
        repo.ref.fullName,
        left,
        "unknown again",
        (s) => s.status === "unknown" && (s.failures ?? 0) >= 2,
      );
      expect(second.failures).toBe(2);
      // No check ran before the backed-off time, though the scheduler ticks every second.
      expect(at(second.checkedAt)).toBeGreaterThanOrEqual(at(first.nextCheckAt));
      const secondWait = at(second.nextCheckAt) - at(second.checkedAt);
      expect(secondWait).toBeGreaterThanOrEqual(4_000);
      expect(secondWait).toBeLessThanOrEqual(5_000);
      const unknowns = unreachable.logs.lines.filter(
        (l) => l.msg === "drift unknown: the cluster could not be compared",
      );
      expect(unknowns).toHaveLength(2);
    } finally {
      await unreachable.close();
    }
  });
});
