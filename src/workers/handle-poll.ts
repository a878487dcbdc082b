import type { Job } from "bullmq";
import { type PollOutcome, pollRepository } from "../polling/poll-repository.js";
import type { PollJobData } from "../polling/poll-schedule.js";
import { contextFor, type WorkerServices } from "./worker-services.js";

/** A tick of a repository's poll: the pushes it finds go on the queue as webhooks' would. */
export async function handlePoll(services: WorkerServices, job: Job<PollJobData>): Promise<PollOutcome> {
  return pollRepository(await contextFor(services, job, job.data.repo), services.queue);
}
