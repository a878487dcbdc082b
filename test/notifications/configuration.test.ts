import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseServerConfig } from "../../src/config/load-server-config.js";
import { notificationSettings } from "../../src/notifications/notification-settings.js";
import { notificationsSchema } from "../../src/notifications/notifications-schema.js";
import { rejectionOf } from "../support/cluster-kit.js";

const FILE = "zakenak-server.yaml";

function problems(yaml: string): string {
  try {
    parseServerConfig(yaml, FILE);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("the configuration was accepted");
}

describe("the notifications key of the server configuration", () => {
  it("parses targets, routes and retries, with defaults", () => {
    const config = parseServerConfig(
      [
        "notifications:",
        "  targets:",
        "    oncall: { type: webhook, urlEnv: ONCALL_URL, secretFile: /run/secrets/oncall }",
        "    team: { type: slack, urlFile: /run/secrets/slack-url }",
        "  routes:",
        "    - environments: [prod]",
        "      events: [deploy-failed, rollback-automatic]",
        "      targets: [oncall, team]",
        "",
      ].join("\n"),
      FILE,
    );
    expect(config.notifications.targets.oncall).toEqual({
      type: "webhook",
      urlEnv: "ONCALL_URL",
      secretFile: "/run/secrets/oncall",
      timeoutSeconds: 10,
    });
    expect(config.notifications.retry).toEqual({ attempts: 5, delaySeconds: 10 });
    expect(parseServerConfig("repositories: []\n", FILE).notifications).toEqual({
      targets: {},
      routes: [],
      retry: { attempts: 5, delaySeconds: 10 },
    });
  });

  it("names the key at fault", () => {
    const base = "notifications:\n  targets:\n    oncall: { type: slack, urlEnv: SLACK_URL }\n";
    expect(problems(`${base}  routes:\n    - targets: [pager]\n`)).toContain(
      `${FILE}:5: notifications.routes[0].targets[0]: unknown target "pager" (targets: oncall)`,
    );
    expect(problems(`${base}  routes:\n    - events: [deploy-exploded]\n      targets: [oncall]\n`)).toMatch(
      /notifications\.routes\[0\]\.events\[0\]: expected one of "deploy-started", .*"drift-healed"/,
    );
    expect(problems("notifications:\n  targets:\n    oncall: { type: slack }\n")).toContain(
      "notifications.targets.oncall: needs exactly one of urlEnv and urlFile",
    );
    expect(problems("notifications:\n  targets:\n    oncall: { type: webhook, urlEnv: U }\n")).toContain(
      "notifications.targets.oncall: a webhook target needs exactly one of secretEnv and secretFile",
    );
    expect(
      problems("notifications:\n  targets:\n    oncall: { type: teams, urlEnv: U, secretEnv: S }\n"),
    ).toContain("notifications.targets.oncall: a teams target is not signed");
    expect(problems("notifications:\n  targets:\n    oncall: { type: email, urlEnv: U }\n")).toContain(
      'notifications.targets.oncall.type: expected one of "slack", "teams", "webhook"',
    );
    // A URL written into the file itself is not a variable name: refused, so it cannot end up in Git.
    expect(
      problems("notifications:\n  targets:\n    oncall: { type: slack, url: https://hooks.test/x }\n"),
    ).toContain('notifications.targets.oncall: unknown key "url"');
  });
});

describe("reading the targets' URLs and secrets at start-up", () => {
  const dir = mkdtempSync(join(tmpdir(), "zakenak-notify-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = (target: Record<string, unknown>) =>
    notificationsSchema.parse({ targets: { oncall: target }, routes: [{ targets: ["oncall"] }] });

  it("has nothing to do without targets", async () => {
    expect(await notificationSettings(notificationsSchema.parse({}), {})).toBeUndefined();
  });

  it("reads a variable and a file, trimmed", async () => {
    writeFileSync(join(dir, "secret"), "  file-secret-value\n");
    const settings = await notificationSettings(
      config({ type: "webhook", urlEnv: "ONCALL_URL", secretFile: join(dir, "secret"), timeoutSeconds: 3 }),
      { ONCALL_URL: "https://hooks.test/oncall\n" },
    );
    expect(settings?.targets.get("oncall")).toEqual({
      name: "oncall",
      type: "webhook",
      url: "https://hooks.test/oncall",
      secret: "file-secret-value",
      timeoutMs: 3_000,
    });
    expect(settings?.redactTargets("posted to https://hooks.test/oncall with file-secret-value")).toBe(
      "posted to *** with ***",
    );
  });

  it("says which variable or file is missing, and never quotes a value", async () => {
    expect(
      (await rejectionOf(notificationSettings(config({ type: "slack", urlEnv: "SLACK_URL" }), {}))).message,
    ).toBe("notifications.targets.oncall.urlEnv: SLACK_URL is not set");
    const missing = join(dir, "nope");
    expect(
      (await rejectionOf(notificationSettings(config({ type: "slack", urlFile: missing }), {}))).message,
    ).toBe(`notifications.targets.oncall.urlFile: cannot read ${missing}: ENOENT`);
    writeFileSync(join(dir, "empty"), "\n");
    expect(
      (
        await rejectionOf(
          notificationSettings(config({ type: "webhook", urlEnv: "U", secretFile: join(dir, "empty") }), {
            U: "https://hooks.test/x",
          }),
        )
      ).message,
    ).toBe(`notifications.targets.oncall.secretFile: ${join(dir, "empty")} is empty`);
    const bad = await rejectionOf(
      notificationSettings(config({ type: "slack", urlEnv: "SLACK_URL" }), {
        SLACK_URL: "xoxb-not-a-url-token",
      }),
    );
    expect(bad.message).toBe("notifications.targets.oncall: the value of SLACK_URL is not an http(s) URL");
    expect(bad.code).toBe("config-invalid");
  });
});
