import type { Queue } from "bullmq";
import type { ServerConfig } from "../config/server-config.js";
import type { RepoRef } from "../hosts/host-event.js";
import { schedulePhaseMs } from "../queue/schedule-phase.js";
import { keepsScheduledJobs, SCHEDULED_JOB_OPTIONS } from "../queue/scheduled-job-options.js";
import { driftSettings } from "./drift-settings.js";

/** Job name of a drift check on the delivery queue. */
export const DRIFT_JOB = "drift";

/** What a drift check job carries: which environment of which repository. No tokens. */
export interface DriftJobData {
  repo: RepoRef;
  environment: string;
}

/** One scheduler per environment of a repository: BullMQ makes one job per tick across every worker. */
export function driftSchedulerId(repo: Pick<RepoRef, "host" | "fullName">, environment: string): string {
  return `drift.${repo.host}.${repo.fullName}.${environment}`;
}

/**
 * Starts (or updates) the repeating drift check of an environment with a deployed revision, at the
 * interval the server configuration gives it; removes it where checks are off. Idempotent: called after
 * every deploy and at start-up.
 */
export async function scheduleDriftChecks(
  queue: Queue,
  server: ServerConfig | undefined,
  data: DriftJobData,
): Promise<void> {
  const id = driftSchedulerId(data.repo, data.environment);
  const { intervalMs } = driftSettings(server, data.repo.fullName, data.environment);
  if (intervalMs === undefined) {
    await queue.removeJobScheduler(id);
    return;
  }
  const current = await queue.getJobScheduler(id);
  const offset = schedulePhaseMs(id, intervalMs);
  if (
    current?.every === intervalMs &&
    current.offset === offset &&
    sameRepo(current.template?.data, data) &&
    keepsScheduledJobs(current.template?.opts)
  ) {
    return;
  }
  await queue.upsertJobScheduler(
    id,
    { every: intervalMs, offset },
    {
      name: DRIFT_JOB,
      data,
      opts: SCHEDULED_JOB_OPTIONS,
    },
  );
}

/** After a restart with another server configuration: every scheduled environment at its new interval. */
export async function rescheduleDriftChecks(queue: Queue, server: ServerConfig | undefined): Promise<void> {
  for (const s of await queue.getJobSchedulers()) {
    const data = s.template?.data as DriftJobData | undefined;
    if (s.name !== DRIFT_JOB || !data?.repo) continue;
    await scheduleDriftChecks(queue, server, data);
  }
}

export async function unscheduleDriftChecks(queue: Queue, data: DriftJobData): Promise<void> {
  await queue.removeJobScheduler(driftSchedulerId(data.repo, data.environment));
}

function sameRepo(stored: unknown, data: DriftJobData): boolean {
  return JSON.stringify(stored) === JSON.stringify(data);
}
