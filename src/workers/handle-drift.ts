import type { Job } from "bullmq";
import type { DriftNotice } from "../drift/drift-notice.js";
import type { DriftJobData } from "../drift/drift-schedule.js";
import { type DriftRunOutcome, runDriftCheck } from "../drift/run-drift-check.js";
import { contextFor, type WorkerServices } from "./worker-services.js";

/** A tick of an environment's repeating drift check. */
export async function handleDrift(
  services: WorkerServices,
  job: Job<DriftJobData>,
): Promise<DriftRunOutcome> {
  const ctx = await contextFor(services, job, job.data.repo);
  return runDriftCheck(
    ctx,
    {
      queue: services.queue,
      ...(services.server ? { server: services.server } : {}),
      notify: (notice) => notifyDrift(services, notice),
    },
    job.data,
  );
}

/** Drift found and drift healed go out through the workers' notifier, when one is configured. */
async function notifyDrift(services: WorkerServices, notice: DriftNotice): Promise<void> {
  await services.notifier?.publish(notice);
}
