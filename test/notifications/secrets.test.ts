import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedactor } from "../../src/planning/secret-redactor.js";
import { secretObject, waitFor } from "../support/cluster-kit.js";
import { type NotificationReceiver, startNotificationReceiver } from "./notification-receiver.js";
import { type NotifierUnderTest, startNotifierUnderTest } from "./notifications-kit.js";

const SLACK_TOKEN = "xoxSlackTok3nQ9vR2";
const TEAMS_TOKEN = "teamsSig4fT8wK1zP";
const HMAC_SECRET = "hmacSecretZ7yX6w";
const DB_PASSWORD = "s3cr3t-db-pa55word";

describe("no secret leaves in a body or a log line", () => {
  let slack: NotificationReceiver;
  let teams: NotificationReceiver;
  let webhook: NotificationReceiver;
  let bot: NotifierUnderTest;
  let dir: string;

  beforeAll(async () => {
    [slack, teams, webhook] = await Promise.all([
      startNotificationReceiver(`/services/T01/B02/${SLACK_TOKEN}`),
      startNotificationReceiver(`/workflows/abc/triggers/manual?sig=${TEAMS_TOKEN}`),
      // A receiver that refuses, quoting back what it got: its answer ends up in a log line.
      startNotificationReceiver("/hook", () => ({
        status: 400,
        text: `bad request to ${webhook.url} signed with ${HMAC_SECRET}`,
      })),
    ]);
    // The Teams URL and the signing secret come from files, the Slack URL from a variable.
    dir = mkdtempSync(join(tmpdir(), "zakenak-notify-secrets-"));
    writeFileSync(join(dir, "teams-url"), `${teams.url}\n`);
    writeFileSync(join(dir, "hmac"), `${HMAC_SECRET}\n`);
    bot = await startNotifierUnderTest(
      {
        targets: {
          chat: { type: "slack", urlEnv: "SLACK_URL" },
          team: { type: "teams", urlFile: join(dir, "teams-url") },
          audit: { type: "webhook", urlEnv: "HOOK_URL", secretFile: join(dir, "hmac") },
        },
        routes: [{ targets: ["chat", "team", "audit"] }],
        retry: { attempts: 1, delaySeconds: 0.05 },
      },
      { SLACK_URL: slack.url, HOOK_URL: webhook.url },
    );
    // A summary quoting a deployed Secret's value, base64 and plain, a webhook URL and the signing secret.
    const redact = createRedactor([secretObject("shop", "db", { password: DB_PASSWORD })]);
    await bot.notifier.publish(
      {
        kind: "deploy-failed",
        repository: "acme/shop",
        environment: "prod",
        summary:
          `health failed: env DB_PASSWORD=${DB_PASSWORD} (${Buffer.from(DB_PASSWORD).toString("base64")}); ` +
          `hook ${slack.url}, token ${SLACK_TOKEN}, key ${HMAC_SECRET}`,
      },
      { redact },
    );
  });

  afterAll(async () => {
    await bot?.close();
    await Promise.all([slack?.close(), teams?.close(), webhook?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const secrets = [
    SLACK_TOKEN,
    TEAMS_TOKEN,
    HMAC_SECRET,
    DB_PASSWORD,
    Buffer.from(DB_PASSWORD).toString("base64"),
  ];

  it("masks them in every body sent", async () => {
    const bodies = (await Promise.all([slack, teams, webhook].map((r) => r.waitForCount(1))))
      .flat()
      .map((r) => r.rawBody);
    expect(bodies).toHaveLength(3);
    for (const body of bodies) {
      for (const secret of secrets) expect(body).not.toContain(secret);
      expect(body).toContain("DB_PASSWORD=***");
    }
    // The Teams URL came from its file, the secret too: the requests reached it, and were signed.
    expect(teams.received[0]?.path).toBe(`/workflows/abc/triggers/manual?sig=${TEAMS_TOKEN}`);
    expect(webhook.received[0]?.headers["x-zakenak-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it("masks them in the log, a receiver's answer included", async () => {
    const failed = await waitFor("the webhook's failure in the log", () =>
      bot.logs.lines.find((l) => l.msg === "notification failed; not retried"),
    );
    expect(failed.err).toContain("answered HTTP 400: bad request to *** signed with ***");
    await waitFor("both other deliveries in the log", () =>
      bot.logs.lines.filter((l) => l.msg === "notification sent").length === 2 ? true : undefined,
    );
    const text = bot.logText();
    for (const secret of [...secrets, slack.url, webhook.url]) expect(text).not.toContain(secret);
  });

  it("keeps them out of Redis: the jobs name the target, and hold the masked event", async () => {
    const jobs = await bot.queue.getJobs(["completed", "failed"]);
    expect(jobs).toHaveLength(3);
    const stored = JSON.stringify(jobs.map((j) => j.data));
    for (const secret of [...secrets, slack.url, teams.url, webhook.url])
      expect(stored).not.toContain(secret);
    expect(jobs.map((j) => j.data.target).sort()).toEqual(["audit", "chat", "team"]);
  });
});
