import { createServer } from "node:net";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NotificationEvent } from "../../src/notifications/notification-event.js";
import { notificationSettings } from "../../src/notifications/notification-settings.js";
import { notificationsSchema } from "../../src/notifications/notifications-schema.js";
import { queueNotifier } from "../../src/notifications/queue-notifier.js";
import { routeEvent } from "../../src/notifications/route-event.js";
import { collectingLogger } from "../workers/worker-kit.js";
import { type NotificationReceiver, startNotificationReceiver } from "./notification-receiver.js";
import { type NotifierUnderTest, startNotifierUnderTest } from "./notifications-kit.js";

const routes = notificationsSchema.parse({
  targets: {
    oncall: { type: "webhook", urlEnv: "A", secretEnv: "B" },
    team: { type: "slack", urlEnv: "C" },
    shop: { type: "teams", urlEnv: "D" },
  },
  routes: [
    { environments: ["prod"], events: ["deploy-failed", "rollback-automatic"], targets: ["oncall"] },
    { events: ["deploy-succeeded", "deploy-failed"], targets: ["team"] },
    { repositories: ["acme/shop-*"], targets: ["shop", "team"] },
  ],
}).routes;

const event = (kind: NotificationEvent["kind"], environment: string, repository = "acme/api") =>
  ({ kind, environment, repository, summary: "s" }) satisfies NotificationEvent;

describe("routing by environment, event and repository", () => {
  it("sends an event to the targets of every route that matches it, each once", () => {
    expect(routeEvent(routes, event("deploy-failed", "prod"))).toEqual(["oncall", "team"]);
    expect(routeEvent(routes, event("rollback-automatic", "prod"))).toEqual(["oncall"]);
    expect(routeEvent(routes, event("deploy-failed", "dev"))).toEqual(["team"]);
    expect(routeEvent(routes, event("deploy-failed", "prod", "acme/shop-web"))).toEqual([
      "oncall",
      "team",
      "shop",
    ]);
    expect(routeEvent(routes, event("drift-found", "dev", "acme/shop-web"))).toEqual(["shop", "team"]);
  });

  it("sends an event no route matches nowhere", () => {
    expect(routeEvent(routes, event("deploy-started", "prod"))).toEqual([]);
    expect(routeEvent(routes, event("rollback-automatic", "dev"))).toEqual([]);
    expect(routeEvent(routes, event("drift-healed", "prod", "other/shop-web"))).toEqual([]);
  });
});

describe("through the queue", () => {
  let receiver: NotificationReceiver;
  let bot: NotifierUnderTest;

  beforeAll(async () => {
    receiver = await startNotificationReceiver("/oncall");
    bot = await startNotifierUnderTest(
      {
        targets: { oncall: { type: "webhook", urlEnv: "URL", secretEnv: "SECRET" } },
        routes: [{ environments: ["prod"], events: ["deploy-failed"], targets: ["oncall"] }],
      },
      { URL: receiver.url, SECRET: "route-secret" },
    );
  });
  afterAll(async () => {
    await bot?.close();
    await receiver?.close();
  });

  it("queues nothing for an event of an environment or a kind that is not routed", async () => {
    await bot.notifier.publish(event("deploy-failed", "dev"));
    await bot.notifier.publish(event("deploy-succeeded", "prod"));
    await bot.notifier.publish({ ...event("deploy-failed", "prod"), summary: "the routed one" });
    const [only] = await receiver.waitForCount(1);
    expect(only?.body).toMatchObject({ summary: "the routed one" });
    // Counted once the routed one arrived: the others never reached the queue at all.
    const counts = await bot.queue.getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
    expect(receiver.received).toHaveLength(1);
  });
});

describe("publishing never blocks", () => {
  it("gives up queueing when Redis does not answer, logs it and returns", async () => {
    // A port that accepts connections and never speaks: Redis hung, not gone.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const queue = new Queue("zakenak-notify-silent", {
      connection: { host: "127.0.0.1", port, maxRetriesPerRequest: 1 },
    });
    queue.on("error", () => {});
    const log = collectingLogger();
    const settings = await notificationSettings(
      notificationsSchema.parse({
        targets: { oncall: { type: "slack", urlEnv: "URL" } },
        routes: [{ targets: ["oncall"] }],
      }),
      { URL: "http://127.0.0.1:9/services/T/B/silenttoken" },
    );
    if (!settings) throw new Error("no settings");
    const counted: string[] = [];
    const notifier = queueNotifier({
      queue,
      settings,
      log,
      enqueueTimeoutMs: 300,
      counted: (type, result) => counted.push(`${type}/${result}`),
    });
    const started = performance.now();
    await notifier.publish(event("deploy-failed", "prod"));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(log.lines).toEqual([
      expect.objectContaining({
        level: "warn",
        msg: "notification not queued",
        target: "oncall",
        kind: "deploy-failed",
        err: "Redis did not take the job within 0.3 s",
      }),
    ]);
    expect(counted).toEqual(["slack/not-queued"]);
    await queue.close().catch(() => {});
    silent.close();
  });
});
