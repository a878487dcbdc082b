import { createHmac, timingSafeEqual } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOTIFICATION_KINDS, type NotificationEvent } from "../../src/notifications/notification-event.js";
import { waitFor } from "../support/cluster-kit.js";
import { type NotificationReceiver, startNotificationReceiver } from "./notification-receiver.js";
import { type NotifierUnderTest, startNotifierUnderTest } from "./notifications-kit.js";

const HMAC_SECRET = "whsec-formats-7c1e9d";
const SHA = "3f2a9c1b7d8e4f6a0b1c2d3e4f5a6b7c8d9e0f1a";

function eventOf(kind: NotificationEvent["kind"], i: number): NotificationEvent {
  return {
    kind,
    repository: "acme/shop",
    environment: "prod",
    sha: SHA,
    ref: "refs/heads/main",
    revision: i + 1,
    summary: `${kind} <happened> & was told`,
    url: `https://git.example.test/acme/shop/commit/${SHA}`,
  };
}

function verify(secret: string, rawBody: string, header: string | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`);
  const got = Buffer.from(header ?? "");
  return got.length === expected.length && timingSafeEqual(got, expected);
}

describe("every kind of event reaches each kind of receiver in its format", () => {
  let slack: NotificationReceiver;
  let teams: NotificationReceiver;
  let webhook: NotificationReceiver;
  let bot: NotifierUnderTest;
  const events = NOTIFICATION_KINDS.map(eventOf);

  beforeAll(async () => {
    [slack, teams, webhook] = await Promise.all([
      startNotificationReceiver("/services/T0AAA/B0BBB/slacktoken"),
      startNotificationReceiver("/workflows/teamstoken/triggers/manual"),
      startNotificationReceiver("/hooks/zakenak"),
    ]);
    bot = await startNotifierUnderTest(
      {
        targets: {
          chat: { type: "slack", urlEnv: "SLACK_URL" },
          team: { type: "teams", urlEnv: "TEAMS_URL" },
          audit: { type: "webhook", urlEnv: "HOOK_URL", secretEnv: "HOOK_SECRET" },
        },
        routes: [{ targets: ["chat", "team", "audit"] }],
      },
      { SLACK_URL: slack.url, TEAMS_URL: teams.url, HOOK_URL: webhook.url, HOOK_SECRET: HMAC_SECRET },
    );
    for (const event of events) await bot.notifier.publish(event);
  });

  afterAll(async () => {
    await bot?.close();
    await Promise.all([slack?.close(), teams?.close(), webhook?.close()]);
  });

  it("Slack gets an incoming-webhook body: fallback text and blocks", async () => {
    const got = await slack.waitForCount(events.length);
    expect(new Set(got.map((r) => r.path))).toEqual(new Set(["/services/T0AAA/B0BBB/slacktoken"]));
    for (const event of events) {
      const request = got.find((r) => (r.body as { text: string }).text.startsWith(headlineOf(event)));
      expect(request, event.kind).toBeDefined();
      expect(request?.headers["content-type"]).toBe("application/json");
      const body = request?.body as { text: string; blocks: Record<string, unknown>[] };
      // Slack's markup characters are escaped, in the text and in the blocks.
      expect(body.text).toContain(`${event.kind} &lt;happened&gt; &amp; was told`);
      const [header, section, context] = body.blocks as [
        { type: string; text: { type: string; text: string } },
        { type: string; text: { type: string; text: string } },
        { type: string; elements: { type: string; text: string }[] },
      ];
      expect(header).toEqual({
        type: "header",
        text: { type: "plain_text", text: headlineOf(event), emoji: true },
      });
      expect(section.type).toBe("section");
      expect(section.text.type).toBe("mrkdwn");
      expect(section.text.text).toContain(`${event.kind} &lt;happened&gt; &amp; was told`);
      expect(context.type).toBe("context");
      expect(context.elements.map((e) => e.text)).toEqual([
        "*Repository:* acme/shop",
        "*Environment:* prod",
        `*Commit:* ${SHA.slice(0, 12)}`,
        "*Ref:* refs/heads/main",
        `*Revision:* ${event.revision}`,
        `<${event.url}|Open on the host>`,
      ]);
    }
  });

  it("Teams gets a workflow-webhook message with one Adaptive Card", async () => {
    const got = await teams.waitForCount(events.length);
    for (const event of events) {
      const request = got.find((r) => JSON.stringify(r.body).includes(`"text":"${headlineOf(event)}"`));
      expect(request, event.kind).toBeDefined();
      const body = request?.body as {
        type: string;
        attachments: { contentType: string; contentUrl: null; content: Record<string, unknown> }[];
      };
      expect(body.type).toBe("message");
      expect(body.attachments).toHaveLength(1);
      const [attachment] = body.attachments;
      expect(attachment?.contentType).toBe("application/vnd.microsoft.card.adaptive");
      expect(attachment?.contentUrl).toBeNull();
      const card = attachment?.content as {
        type: string;
        version: string;
        $schema: string;
        body: Record<string, unknown>[];
        actions: Record<string, unknown>[];
      };
      expect(card.type).toBe("AdaptiveCard");
      expect(card.version).toBe("1.4");
      expect(card.$schema).toBe("http://adaptivecards.io/schemas/adaptive-card.json");
      expect(card.body[0]).toMatchObject({
        type: "TextBlock",
        text: headlineOf(event),
        weight: "Bolder",
        wrap: true,
      });
      expect(card.body[1]).toEqual({ type: "TextBlock", text: event.summary, wrap: true });
      expect(card.body[2]).toEqual({
        type: "FactSet",
        facts: [
          { title: "Repository", value: "acme/shop" },
          { title: "Environment", value: "prod" },
          { title: "Commit", value: SHA.slice(0, 12) },
          { title: "Ref", value: "refs/heads/main" },
          { title: "Revision", value: String(event.revision) },
        ],
      });
      expect(card.actions).toEqual([{ type: "Action.OpenUrl", title: "Open on the host", url: event.url }]);
    }
  });

  it("the generic webhook gets the event as JSON, signed with the target's secret", async () => {
    const got = await webhook.waitForCount(events.length);
    const now = Math.floor(Date.now() / 1000);
    for (const event of events) {
      const request = got.find((r) => (r.body as { kind: string }).kind === event.kind);
      expect(request, event.kind).toBeDefined();
      if (!request) continue;
      const sig = request.headers["x-zakenak-signature"] as string;
      expect(verify(HMAC_SECRET, request.rawBody, sig)).toBe(true);
      // The check has teeth: another secret, or one changed byte, does not verify.
      expect(verify("another-secret", request.rawBody, sig)).toBe(false);
      expect(verify(HMAC_SECRET, request.rawBody.replace("acme/shop", "acme/shoq"), sig)).toBe(false);
      const body = request.body as Record<string, unknown>;
      expect(body).toEqual({
        ...event,
        deliveryId: request.headers["x-zakenak-delivery"],
        timestamp: Number(request.headers["x-zakenak-timestamp"]),
        occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(request.headers["x-zakenak-event"]).toBe(event.kind);
      expect(request.headers["x-zakenak-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(Math.abs(Number(request.headers["x-zakenak-timestamp"]) - now)).toBeLessThan(60);
      expect(request.headers["content-type"]).toBe("application/json");
    }
    expect(new Set(got.map((r) => r.headers["x-zakenak-delivery"])).size).toBe(events.length);
    // A receiver has a request before the notifier has its answer and counts it as sent.
    for (const type of ["webhook", "slack"]) {
      const counted = await waitFor(`${events.length} ${type} notifications counted as sent`, async () => {
        const n = await bot.count(type, "sent");
        return n >= events.length ? n : undefined;
      });
      expect(counted).toBe(events.length);
    }
  });
});

const HEADLINES: Record<NotificationEvent["kind"], string> = {
  "deploy-started": "Deploy started",
  "deploy-succeeded": "Deployed",
  "deploy-failed": "Deploy failed",
  "rollback-automatic": "Rolled back automatically",
  "rollback-command": "Rolled back by command",
  "drift-found": "Drift found",
  "drift-healed": "Drift healed",
};

function headlineOf(event: NotificationEvent): string {
  return `${HEADLINES[event.kind]}: ${event.environment}`;
}
