import { afterEach, describe, expect, it } from "vitest";
import type { NotificationEvent } from "../../src/notifications/notification-event.js";
import { waitFor } from "../support/cluster-kit.js";
import {
  type Answer,
  type NotificationReceiver,
  startNotificationReceiver,
} from "./notification-receiver.js";
import { type NotifierUnderTest, startNotifierUnderTest } from "./notifications-kit.js";

const EVENT: NotificationEvent = {
  kind: "deploy-failed",
  repository: "acme/shop",
  environment: "prod",
  sha: "0123456789abcdef0123456789abcdef01234567",
  summary: "health failed: web did not become ready",
};

let receiver: NotificationReceiver | undefined;
let bot: NotifierUnderTest | undefined;

afterEach(async () => {
  await bot?.close();
  await receiver?.close();
  bot = undefined;
  receiver = undefined;
});

/** One webhook target at `receiver`, answering as `answer` says, with short retries. */
async function setUp(answer: (n: number) => Answer, target: Record<string, unknown> = {}, attempts = 3) {
  receiver = await startNotificationReceiver("/hook", answer);
  bot = await startNotifierUnderTest(
    {
      targets: { hook: { type: "webhook", urlEnv: "HOOK_URL", secretEnv: "HOOK_SECRET", ...target } },
      routes: [{ targets: ["hook"] }],
      retry: { attempts, delaySeconds: 0.05 },
    },
    { HOOK_URL: receiver.url, HOOK_SECRET: "retry-secret-123" },
  );
  return { receiver, bot };
}

/** The one notification job's final state, once it has one. */
async function settled(b: NotifierUnderTest): Promise<string> {
  return waitFor(
    "the notification job to settle",
    async () => {
      const [job] = await b.queue.getJobs(["completed", "failed"]);
      return job ? await job.getState() : undefined;
    },
    { timeoutMs: 30_000 },
  );
}

describe("delivery retries", () => {
  it("retries a receiver that answers 500, with the same delivery id, until it takes the notification", async () => {
    const { receiver, bot } = await setUp(
      (n) => (n < 2 ? { status: 500, text: "busy" } : { status: 204 }),
      {},
      5,
    );
    await bot.notifier.publish(EVENT);
    expect(await settled(bot)).toBe("completed");
    expect(receiver.received).toHaveLength(3);
    const ids = new Set(receiver.received.map((r) => r.headers["x-zakenak-delivery"]));
    expect(ids.size).toBe(1);
    expect(await bot.count("webhook", "retrying")).toBe(2);
    expect(await bot.count("webhook", "sent")).toBe(1);
    expect(bot.logs.lines.filter((l) => l.msg === "notification failed; will retry")).toHaveLength(2);
    expect(bot.logs.lines.find((l) => l.msg === "notification sent")).toMatchObject({
      target: "hook",
      attempt: 3,
    });
  });

  it("gives up after the configured attempts and reports the failure in the log and the metric", async () => {
    const { receiver, bot } = await setUp(() => ({ status: 500, text: "down" }));
    await bot.notifier.publish(EVENT);
    expect(await settled(bot)).toBe("failed");
    expect(receiver.received).toHaveLength(3);
    expect(await bot.count("webhook", "retrying")).toBe(2);
    expect(await bot.count("webhook", "failed")).toBe(1);
    expect(await bot.count("webhook", "sent")).toBe(0);
    const final = bot.logs.lines.find((l) => l.msg === "notification failed; not retried");
    expect(final).toMatchObject({
      level: "error",
      target: "hook",
      kind: "deploy-failed",
      environment: "prod",
      attempt: 3,
      err: "notification target hook (webhook) answered HTTP 500: down",
    });
  });

  it("does not retry an answer that cannot get better (404)", async () => {
    const { receiver, bot } = await setUp(() => ({ status: 404, text: "no_service" }));
    await bot.notifier.publish(EVENT);
    expect(await settled(bot)).toBe("failed");
    expect(receiver.received).toHaveLength(1);
    expect(await bot.count("webhook", "failed")).toBe(1);
    expect(await bot.count("webhook", "retrying")).toBe(0);
  });

  it("times out on a receiver that never answers, and retries it", async () => {
    const { receiver, bot } = await setUp(() => "hang", { timeoutSeconds: 0.3 }, 2);
    await bot.notifier.publish(EVENT);
    // Publishing only queues: it is back while the delivery is still under way (it takes two timeouts).
    const [job] = await bot.queue.getJobs(["waiting", "active", "delayed"]);
    expect(job?.data.target).toBe("hook");
    expect(await settled(bot)).toBe("failed");
    expect(receiver.received).toHaveLength(2);
    expect(bot.logs.lines.find((l) => l.msg === "notification failed; not retried")?.err).toBe(
      "notification target hook (webhook): no answer within 0.3 s",
    );
  });

  it("counts a receiver nobody listens on as a failed try", async () => {
    const { receiver, bot } = await setUp(() => ({ status: 200 }), {}, 2);
    await receiver.close();
    await bot.notifier.publish(EVENT);
    expect(await settled(bot)).toBe("failed");
    expect(bot.logs.lines.find((l) => l.msg === "notification failed; not retried")?.err).toBe(
      "notification target hook (webhook): request failed (ECONNREFUSED)",
    );
  });
});
