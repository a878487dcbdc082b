import type { Queue } from "bullmq";
import type { RepoRef } from "../hosts/host-event.js";
import { BACKOFF_STRATEGY } from "./backoff.js";
import { DEDUPE_WINDOW_SECONDS } from "./delivery-queue.js";

/** Job name of an apply the push handler fans out, one per environment the push deploys. */
export const APPLY_JOB = "apply";

/** What an apply job carries: where and what to deploy. No tokens; the worker has its own. */
export interface ApplyJobData {
  repo: RepoRef;
  environment: string;
  sha: string;
  /** Full ref pushed, e.g. `refs/heads/develop`. */
  ref: string;
  refName: string;
  refType: "branch" | "tag";
  /** Who pushed, for the history and the audit log. */
  actor: string;
  /** Id of the push job that fanned this out (its delivery). */
  parentJobId: string;
  /**
   * When the push's delivery was enqueued: orders pushes to one environment (a newer one supersedes an
   * older one still waiting), whatever order the fanned-out apply jobs were enqueued in.
   */
  pushedAt: number;
}

/** Deterministic: a retried or redelivered push enqueues the same apply job, not a second one. */
export function applyJobId(data: Pick<ApplyJobData, "parentJobId" | "environment">): string {
  return `${data.parentJobId}.apply.${data.environment}`.replaceAll(":", "_");
}

export async function enqueueApply(queue: Queue, data: ApplyJobData): Promise<{ duplicate: boolean }> {
  const jobId = applyJobId(data);
  if (await queue.getJob(jobId)) return { duplicate: true };
  await queue.add(APPLY_JOB, data, {
    jobId,
    attempts: 8,
    backoff: { type: BACKOFF_STRATEGY },
    removeOnComplete: { age: DEDUPE_WINDOW_SECONDS },
    removeOnFail: { age: 7 * DEDUPE_WINDOW_SECONDS },
  });
  return { duplicate: false };
}
