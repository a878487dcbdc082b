import type { Queue } from "bullmq";
import { readLock } from "../applying/lock/read-lock.js";
import { type ReconcileOutcome, reconcileEnvironment } from "../applying/reconcile-environment.js";
import type { BotContext } from "../commands/bot-context.js";
import { errorMessage } from "../commands/report-failure.js";
import { readTrustedPolicy } from "../commands/repository-policy.js";
import { withCluster } from "../commands/with-cluster.js";
import type { ServerConfig } from "../config/server-config.js";
import { isZakenakError } from "../errors.js";
import { withRedisMutex } from "../queue/redis-mutex.js";
import { checkDrift, type DriftReport } from "./check-drift.js";
import { type DriftNotice, describeObjects, driftFoundNotice } from "./drift-notice.js";
import { type DriftJobData, unscheduleDriftChecks } from "./drift-schedule.js";
import { type DriftSettings, driftSettings } from "./drift-settings.js";
import {
  type DriftState,
  type DriftStatus,
  readDriftState,
  removeDriftState,
  writeDriftState,
} from "./drift-state.js";
import { nextCheckDelayMs } from "./next-check.js";

export interface DriftRunDeps {
  /** The queue the check's scheduler lives on: removed from it when checks no longer apply. */
  queue: Queue;
  server?: ServerConfig;
  /** Where drift found and drift healed are announced; a failure there is logged, never the check's. */
  notify?: (notice: DriftNotice) => Promise<void>;
  now?: () => number;
}

export type DriftRunOutcome =
  | { result: "skipped"; reason: string }
  | { result: "checked"; status: DriftStatus; healed?: ReconcileOutcome["result"] };

// A check holding the run mutex this long is presumed dead; healing may wait for health meanwhile.
const RUN_TTL_MS = 15 * 60_000;

/**
 * One drift check of one environment, as its repeating job runs it: at most one at a time per
 * environment across every worker; skipped while the cluster is being backed off from, or while a
 * deploy holds the environment's lock. The environment and its cluster come from the trusted policy,
 * read again now, and the check is dropped for good once the operator no longer grants it. Finds the
 * cluster in sync, drifted or missing objects (and heals it where the operator says so), or unknown
 * when it cannot be reached; the state is stored, and a change of it announced.
 */
export async function runDriftCheck(
  ctx: BotContext,
  deps: DriftRunDeps,
  data: DriftJobData,
): Promise<DriftRunOutcome> {
  const { repo } = ctx;
  const settings = driftSettings(deps.server, repo.fullName, data.environment);
  if (settings.intervalMs === undefined) {
    await stopChecking(ctx, deps, data);
    return { result: "skipped", reason: "drift checks are off for this environment" };
  }
  const previous = await readDriftState(ctx.redis, repo.fullName, data.environment, ctx.keyPrefix);
  const now = deps.now?.() ?? Date.now();
  if (previous?.status === "unknown" && now < Date.parse(previous.nextCheckAt)) {
    return { result: "skipped", reason: `backing off until ${previous.nextCheckAt}` };
  }
  const key = `${ctx.keyPrefix}:drift:run:${repo.host}:${repo.fullName}:${data.environment}`;
  let entered = false;
  try {
    return await withRedisMutex(
      ctx.redis,
      key,
      () => {
        entered = true;
        return check(ctx, deps, data, { ...settings, intervalMs: settings.intervalMs as number }, previous);
      },
      { waitMs: 0, ttlMs: RUN_TTL_MS },
    );
  } catch (err) {
    if (!entered && isZakenakError(err) && err.code === "locked") {
      return { result: "skipped", reason: "another check of this environment is running" };
    }
    throw err;
  }
}

type Checked = { busy: string } | { report: DriftReport; before?: DriftReport; heal?: ReconcileOutcome };

async function check(
  ctx: BotContext,
  deps: DriftRunDeps,
  data: DriftJobData,
  settings: DriftSettings & { intervalMs: number },
  previous: DriftState | undefined,
): Promise<DriftRunOutcome> {
  const name = data.environment;
  let found: Checked;
  try {
    const policy = await readTrustedPolicy(ctx);
    const env = policy.environments.find((e) => e.name === name);
    if (!env) {
      await stopChecking(ctx, deps, data);
      return {
        result: "skipped",
        reason: `environment ${name} is no longer granted to ${ctx.repo.fullName}`,
      };
    }
    found = await withCluster(ctx, env, async (client): Promise<Checked> => {
      const lock = await readLock(client, name);
      // A deploy in progress changes the environment on purpose: look again next time.
      if (lock && !lock.expired) return { busy: lock.description };
      const report = await checkDrift(client, env);
      if (report.status === "in-sync" || !settings.heal) return { report };
      const heal = await reconcileEnvironment({
        client,
        environment: env,
        revision: report.revision,
        holder: `drift/${ctx.jobId}`,
        holderDescription: `zakenak drift healing (job ${ctx.jobId})`,
        wait: ctx.kube.applyWait,
        ...(ctx.kube.leaseSeconds ? { leaseSeconds: ctx.kube.leaseSeconds } : {}),
        log: (line) => ctx.log.info({ environment: name }, line),
      });
      if (heal.result === "skipped") return { report, heal };
      return { report: await checkDrift(client, env), before: report, heal };
    });
  } catch (err) {
    // Nothing deployed successfully yet: nothing to drift from, and no reason to back off.
    if (isZakenakError(err) && err.code === "revision-missing") {
      return { result: "skipped", reason: err.message };
    }
    return recordUnknown(ctx, data, settings, previous, err, deps.now?.() ?? Date.now());
  }
  if ("busy" in found) return { result: "skipped", reason: `the environment is locked by ${found.busy}` };
  const { report, before, heal } = found;
  const now = deps.now?.() ?? Date.now();
  const state = knownState(ctx, name, report, now, settings.intervalMs);
  if (heal && heal.result !== "skipped") {
    state.healed = { at: state.checkedAt, revision: heal.revision, result: heal.result };
  } else if (previous?.healed) {
    state.healed = previous.healed;
  }
  await writeDriftState(ctx.redis, state, ctx.keyPrefix);
  ctx.log.info(
    { environment: name, status: state.status, revision: state.revision, objects: state.objects.length },
    "drift checked",
  );
  const notices: DriftNotice[] = [];
  if (before && heal && heal.result !== "skipped") {
    // Found and healed in one run: both are announced, the drift as it was found.
    const drifted = knownState(ctx, name, before, now, settings.intervalMs);
    const foundNotice = driftFoundNotice(previous, drifted, before.ref);
    if (foundNotice) notices.push(foundNotice);
    await recordHeal(ctx, name, heal);
    if (heal.result === "succeeded") {
      notices.push({
        kind: "drift-healed",
        repository: ctx.repo.fullName,
        environment: name,
        sha: heal.sha,
        ref: before.ref,
        revision: heal.revision,
        summary: `${heal.message}; it had drifted: ${describeObjects(before.objects)}`,
      });
    }
  } else {
    const foundNotice = driftFoundNotice(previous, state, report.ref);
    if (foundNotice) notices.push(foundNotice);
  }
  for (const notice of notices) await announce(ctx, deps, notice);
  return { result: "checked", status: state.status, ...(heal ? { healed: heal.result } : {}) };
}

function knownState(
  ctx: BotContext,
  environment: string,
  report: DriftReport,
  now: number,
  intervalMs: number,
): DriftState {
  return {
    repository: ctx.repo.fullName,
    environment,
    host: ctx.repo.host,
    status: report.status,
    checkedAt: new Date(now).toISOString(),
    revision: report.revision,
    sha: report.sha,
    objects: report.objects,
    nextCheckAt: new Date(now + nextCheckDelayMs(intervalMs, 0)).toISOString(),
  };
}

/** The cluster could not be compared: unknown, and the next check backs off further each time. */
async function recordUnknown(
  ctx: BotContext,
  data: DriftJobData,
  settings: { intervalMs: number },
  previous: DriftState | undefined,
  err: unknown,
  now: number,
): Promise<DriftRunOutcome> {
  const failures = (previous?.status === "unknown" ? (previous.failures ?? 1) : 0) + 1;
  const lastKnown = previous?.status === "unknown" ? previous.lastKnownStatus : previous?.status;
  const line = errorMessage(err).split("\n")[0] ?? "";
  const state: DriftState = {
    repository: ctx.repo.fullName,
    environment: data.environment,
    host: ctx.repo.host,
    status: "unknown",
    checkedAt: new Date(now).toISOString(),
    ...(previous?.revision !== undefined ? { revision: previous.revision } : {}),
    ...(previous?.sha ? { sha: previous.sha } : {}),
    objects: [],
    error: line.length > 500 ? `${line.slice(0, 499)}…` : line,
    nextCheckAt: new Date(now + nextCheckDelayMs(settings.intervalMs, failures)).toISOString(),
    failures,
    ...(lastKnown ? { lastKnownStatus: lastKnown } : {}),
    ...(previous?.healed ? { healed: previous.healed } : {}),
  };
  await writeDriftState(ctx.redis, state, ctx.keyPrefix);
  ctx.log.warn(
    { environment: data.environment, err: state.error, failures, nextCheckAt: state.nextCheckAt },
    "drift unknown: the cluster could not be compared",
  );
  return { result: "checked", status: "unknown" };
}

async function recordHeal(
  ctx: BotContext,
  environment: string,
  heal: Exclude<ReconcileOutcome, { result: "skipped" }>,
): Promise<void> {
  ctx.log.info({ environment, revision: heal.revision, result: heal.result }, heal.message);
  await ctx.audit.record({
    actor: "zakenak",
    action: "reconcile",
    repo: ctx.repo.fullName,
    host: ctx.repo.host,
    environment,
    sha: heal.sha,
    result: heal.result,
    detail: heal.message,
  });
}

/** Publishes one notice; a notifier that fails is logged and never fails the check. */
async function announce(ctx: BotContext, deps: DriftRunDeps, notice: DriftNotice): Promise<void> {
  if (!deps.notify) return;
  await deps
    .notify(notice)
    .catch((err: unknown) =>
      ctx.log.warn(
        { environment: notice.environment, kind: notice.kind, err: errorMessage(err) },
        "notification failed",
      ),
    );
}

async function stopChecking(ctx: BotContext, deps: DriftRunDeps, data: DriftJobData): Promise<void> {
  await unscheduleDriftChecks(deps.queue, data);
  await removeDriftState(ctx.redis, ctx.repo.fullName, data.environment, ctx.keyPrefix);
}
