import type { Job } from "bullmq";
import { environmentsForRef } from "../commands/environments-for-ref.js";
import { failureState, statusLine } from "../commands/report-failure.js";
import { CONFIG_FILE, parseConfig } from "../config/load-config.js";
import type { HostEvent } from "../hosts/host-event.js";
import { enqueueApply } from "../queue/apply-job.js";
import { RULES } from "../validation/rules.js";
import { runHandler } from "./run-handler.js";
import { contextFor, type WorkerServices } from "./worker-services.js";

type PushEvent = Extract<HostEvent, { type: "push" }>;

/**
 * A push to an environment's branch, or a tag matching its glob: one apply job per environment, so
 * each retries on its own and environments deploy in parallel. Deleted refs deploy nothing.
 */
export async function handlePush(
  services: WorkerServices,
  job: Job,
  event: PushEvent,
): Promise<{ result: "skipped" | "enqueued"; environments: string[] }> {
  if (event.deleted) return { result: "skipped", environments: [] };
  const ctx = await contextFor(services, job, event.repo);
  return runHandler(
    job,
    ctx.log,
    async () => {
      const text = await ctx.host.readFile(event.repo, event.after, CONFIG_FILE);
      if (text === undefined) return { result: "skipped" as const, environments: [] };
      const config = parseConfig(
        text,
        CONFIG_FILE,
        RULES.map((r) => r.id),
      );
      const envs = environmentsForRef(config, event.refType, event.refName).map((e) => e.name);
      for (const environment of envs) {
        await enqueueApply(services.queue, {
          repo: event.repo,
          environment,
          sha: event.after,
          ref: event.ref,
          refName: event.refName,
          refType: event.refType,
          actor: event.pusher,
          parentJobId: ctx.jobId,
          pushedAt: job.timestamp,
        });
      }
      ctx.log.info({ ref: event.ref, sha: event.after, environments: envs }, "push handled");
      return { result: envs.length > 0 ? ("enqueued" as const) : ("skipped" as const), environments: envs };
    },
    // Which environment the push was for is unknown when the config cannot be read: one status says so.
    (err) =>
      ctx.host.setStatus(event.repo, event.after, {
        context: "zakenak/apply",
        state: failureState(err),
        description: statusLine(err),
      }),
  );
}
