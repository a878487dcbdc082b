import type { Queue } from "bullmq";
import type { RepoRef } from "../hosts/host-event.js";
import { schedulePhaseMs } from "../queue/schedule-phase.js";
import { keepsScheduledJobs, SCHEDULED_JOB_OPTIONS } from "../queue/scheduled-job-options.js";
import type { PollTarget } from "./poll-targets.js";

/** Job name of a poll of one repository on the delivery queue. */
export const POLL_JOB = "poll";

export interface PollJobData {
  repo: RepoRef;
}

export function pollSchedulerId(repo: Pick<RepoRef, "host" | "fullName">): string {
  return `poll.${repo.host}.${repo.fullName}`;
}

/**
 * Makes the queue's poll schedulers those of `targets`: one per repository, each making one job per
 * interval whichever worker replicas run (BullMQ's job schedulers), at a phase of its own within the
 * interval. Schedulers of repositories no longer polled are removed.
 */
export async function schedulePolls(queue: Queue, targets: readonly PollTarget[]): Promise<void> {
  const wanted = new Set<string>();
  for (const { repo, intervalMs } of targets) {
    const id = pollSchedulerId(repo);
    wanted.add(id);
    const offset = schedulePhaseMs(id, intervalMs);
    const current = await queue.getJobScheduler(id);
    const same = current?.every === intervalMs && current.offset === offset;
    if (same && keepsScheduledJobs(current.template?.opts)) continue;
    await queue.upsertJobScheduler(
      id,
      { every: intervalMs, offset },
      {
        name: POLL_JOB,
        data: { repo } satisfies PollJobData,
        opts: SCHEDULED_JOB_OPTIONS,
      },
    );
  }
  for (const s of await queue.getJobSchedulers()) {
    if (s.name === POLL_JOB && !wanted.has(s.key)) await queue.removeJobScheduler(s.key);
  }
}
