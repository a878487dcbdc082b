import type { Job } from "bullmq";
import { applyContext } from "../commands/apply-push.js";
import { environmentsForRef, refGranted } from "../commands/environments-for-ref.js";
import { failureState, statusLine } from "../commands/report-failure.js";
import { readTrustedPolicy } from "../commands/repository-policy.js";
import { CONFIG_FILE, parseConfig } from "../config/load-config.js";
import type { HostEvent } from "../hosts/host-event.js";
import { seenTheOtherWay } from "../polling/same-push.js";
import { enqueueApply } from "../queue/apply-job.js";
import { runHandler } from "./run-handler.js";
import { contextFor, type WorkerServices } from "./worker-services.js";

type PushEvent = Extract<HostEvent, { type: "push" }>;

/**
 * A push to an environment's branch, or a tag matching its glob: one apply job per environment, so each
 * retries on its own and environments deploy in parallel. Which ref deploys where is read from the
 * DEFAULT branch's `.zakenak.yaml` within the operator's grant, never from the pushed commit: a commit
 * that maps environments its own way deploys nothing by it, and its statuses say so. Deleted refs deploy
 * nothing. A push seen both by a webhook and by polling is handled once, by whichever came first.
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
      const { host, repo } = ctx;
      const push = { repo, ref: event.ref, sha: event.after };
      const first = await seenTheOtherWay(services.redis, services.keyPrefix, push, ctx.jobId);
      if (first) {
        ctx.log.info({ ref: event.ref, sha: event.after, first }, "push already handled by another delivery");
        return { result: "skipped" as const, environments: [] };
      }
      const policy = await readTrustedPolicy(ctx);
      const mapped = environmentsForRef(policy.environments, event.refType, event.refName);
      const envs: string[] = [];
      for (const env of mapped) {
        if (!refGranted(env, event.refType, event.refName)) {
          await host.setStatus(repo, event.after, {
            context: applyContext(env.name),
            state: "failure",
            description: `not deployed [ref-not-granted]: ${policy.grant.source} does not let ${event.refType} ${event.refName} deploy ${env.name}`,
          });
          continue;
        }
        envs.push(env.name);
      }
      const refused = environmentsForRef(
        policy.refused.map(refusedMapping(policy)),
        event.refType,
        event.refName,
      );
      for (const env of refused) {
        await host.setStatus(repo, event.after, {
          context: applyContext(env.name),
          state: "failure",
          description: `not deployed [${env.rule}]: ${env.reason}`,
        });
      }
      // What the pushed commit would map on its own has no say; where it differs, the status tells why.
      for (const name of await ownMapping(ctx, event)) {
        if (mapped.some((e) => e.name === name) || refused.some((e) => e.name === name)) continue;
        await host.setStatus(repo, event.after, {
          context: applyContext(name),
          state: "failure",
          description: `not deployed: only this commit's ${CONFIG_FILE} maps ${event.refName} to ${name}; the default branch ${policy.defaultBranch} decides which refs deploy`,
        });
      }
      for (const environment of envs) {
        await enqueueApply(services.queue, {
          repo,
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
    // Which environment the push was for is unknown when the policy cannot be read: one status says so.
    (err) =>
      ctx.host.setStatus(event.repo, event.after, {
        context: "zakenak/apply",
        state: failureState(err),
        description: statusLine(err),
      }),
  );
}

/** A refused environment with its mapping from the default branch, to tell the pusher why. */
function refusedMapping(policy: Awaited<ReturnType<typeof readTrustedPolicy>>) {
  return (r: { name: string; rule: string; reason: string }) => ({ ...r, ...policy.mappings[r.name] });
}

/** The environments the pushed commit's own `.zakenak.yaml` maps the ref to; none when it has no usable one. */
async function ownMapping(ctx: Awaited<ReturnType<typeof contextFor>>, event: PushEvent): Promise<string[]> {
  const text = await ctx.host.readFile(ctx.repo, event.after, CONFIG_FILE);
  if (text === undefined) return [];
  try {
    return environmentsForRef(parseConfig(text).environments, event.refType, event.refName).map(
      (e) => e.name,
    );
  } catch {
    return [];
  }
}
