import { randomBytes } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import type { Delivery } from "../../src/hosts/host-event.js";
import { POLL_JOB, pollSchedulerId, schedulePolls } from "../../src/polling/poll-schedule.js";
import { deliveryJobId, enqueueDelivery } from "../../src/queue/delivery-queue.js";
import { SCHEDULED_JOB_OPTIONS } from "../../src/queue/scheduled-job-options.js";
import { waitFor } from "../support/cluster-kit.js";

const connection = { host: "127.0.0.1", port: Number(process.env.ZAKENAK_TEST_REDIS_PORT ?? 6379) };
const prefix = `zkt-${randomBytes(4).toString("hex")}`;
const queue = new Queue(`retention-${randomBytes(4).toString("hex")}`, { connection, prefix });
let worker: Worker | undefined;

afterAll(async () => {
  await worker?.close();
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
});

describe("jobs the queue's schedulers make", () => {
  it("never trim the completed deliveries that redeliveries are recognised by", async () => {
    const repo = { host: "gitea" as const, fullName: "acme/polled" };
    const delivery: Delivery = {
      id: "retention-1",
      host: "gitea",
      event: {
        type: "push",
        repo,
        ref: "refs/heads/main",
        refType: "branch",
        refName: "main",
        after: "a".repeat(40),
        deleted: false,
        pusher: "alice",
      },
    };
    // A scheduler left by an earlier version, which kept the newest 10 jobs: replaced, not kept.
    await queue.upsertJobScheduler(
      pollSchedulerId(repo),
      { every: 200 },
      { name: POLL_JOB, data: { repo }, opts: { attempts: 1, removeOnComplete: { count: 10 } } },
    );
    expect(await enqueueDelivery(queue, delivery)).toEqual({ duplicate: false });
    await schedulePolls(queue, [{ repo, intervalMs: 200 }]);
    expect((await queue.getJobScheduler(pollSchedulerId(repo)))?.template?.opts).toMatchObject({
      removeOnComplete: SCHEDULED_JOB_OPTIONS.removeOnComplete,
    });
    let polls = 0;
    worker = new Worker(queue.name, async () => "done", { connection, prefix });
    worker.on("completed", (job) => {
      if (job.name === POLL_JOB) polls++;
    });
    await waitFor("15 polls to complete", () => polls >= 15, { timeoutMs: 60_000, intervalMs: 100 });
    const job = await queue.getJob(deliveryJobId(delivery));
    expect(await job?.getState()).toBe("completed");
    expect(await enqueueDelivery(queue, delivery)).toEqual({ duplicate: true });
  });
});
