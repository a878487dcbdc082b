import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { githubExample, githubPullRequestComment } from "./github-examples.js";
import { type Intake, startIntake } from "./intake-harness.js";

const PATH = "/api/github/webhooks";
const SECRET = `gh-hook-${randomUUID()}`;
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/** A delivery signed exactly as GitHub signs it: `sha256=` + hex HMAC-SHA256 of the body bytes. */
function delivery(event: string, payload: unknown, secret = SECRET) {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/044aadd",
      "x-github-event": event,
      "x-github-delivery": randomUUID(),
      "x-github-hook-id": "292430182",
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
  };
}

describe("GitHub intake (Probot middleware)", () => {
  let intake: Intake;
  beforeEach(async () => {
    intake = await startIntake({
      APP_ID: "424242",
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: SECRET,
      ZAKENAK_REPO_ALLOWLIST: "codertocat/*",
      ZAKENAK_MAX_BODY_BYTES: "65536",
    });
  });
  afterEach(async () => {
    await intake.close();
  });

  it("accepts a signed pull_request delivery: 202 and one job with the normalized event only", async () => {
    const d = delivery(
      "pull_request",
      githubExample("pull_request", (p) => p.action === "synchronize"),
    );
    const id = d.headers["x-github-delivery"];
    expect(await intake.post(PATH, d.body, d.headers)).toEqual({
      status: 202,
      body: { result: "accepted", deliveryId: id, type: "pr-updated" },
    });
    const jobs = await intake.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.data).toEqual({
      id,
      host: "github",
      event: {
        type: "pr-updated",
        repo: {
          host: "github",
          fullName: "Codertocat/Hello-World",
          installationId: 1,
          defaultBranch: "master",
        },
        number: 2,
        headSha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
        headBranch: "changes",
        baseBranch: "master",
        sender: "Codertocat",
      },
    });
    const stored = JSON.stringify(jobs[0]?.asJSON());
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain("PRIVATE KEY");
  });

  it("queues pushes and pull request comments", async () => {
    const push = delivery(
      "push",
      githubExample("push", (p) => p.ref === "refs/heads/master"),
    );
    const comment = delivery("issue_comment", githubPullRequestComment("/rollback prod"));
    expect((await intake.post(PATH, push.body, push.headers)).body.type).toBe("push");
    expect((await intake.post(PATH, comment.body, comment.headers)).body.type).toBe("comment");
    const events = (await intake.jobs()).map((j) => j.data.event);
    expect(events).toContainEqual(
      expect.objectContaining({ type: "comment", body: "/rollback prod", number: 1 }),
    );
    expect(events).toContainEqual(expect.objectContaining({ type: "push", refName: "master" }));
  });

  it("answers a redelivery 202 duplicate and keeps one job", async () => {
    const d = delivery(
      "pull_request",
      githubExample("pull_request", (p) => p.action === "opened"),
    );
    await intake.post(PATH, d.body, d.headers);
    const again = await intake.post(PATH, d.body, d.headers);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ result: "duplicate", deliveryId: d.headers["x-github-delivery"] });
    expect(await intake.jobs()).toHaveLength(1);
  });

  it("answers 401 to a bad signature and queues nothing", async () => {
    const d = delivery(
      "push",
      githubExample("push", (p) => p.ref === "refs/heads/master"),
      "not-the-secret",
    );
    expect(await intake.post(PATH, d.body, d.headers)).toEqual({
      status: 401,
      body: { error: "bad X-Hub-Signature-256 signature" },
    });
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 400 naming a missing X-Hub-Signature-256 header", async () => {
    const d = delivery(
      "push",
      githubExample("push", (p) => p.ref === "refs/heads/master"),
    );
    const { "x-hub-signature-256": _, ...unsigned } = d.headers;
    expect(await intake.post(PATH, d.body, unsigned)).toEqual({
      status: 400,
      body: { error: "missing X-Hub-Signature-256 header" },
    });
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 403 for a repository outside the allowlist", async () => {
    const payload = githubExample("push", (p) => p.ref === "refs/heads/master");
    payload.repository.full_name = "octo-org/other";
    const d = delivery("push", payload);
    expect(await intake.post(PATH, d.body, d.headers)).toEqual({
      status: 403,
      body: {
        error: "repository octo-org/other is not served here (ZAKENAK_REPO_ALLOWLIST, server configuration)",
      },
    });
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 413 to a body over ZAKENAK_MAX_BODY_BYTES", async () => {
    const payload = githubExample("pull_request", (p) => p.action === "opened");
    payload.pull_request.body = "x".repeat(70_000);
    const d = delivery("pull_request", payload);
    expect((await intake.post(PATH, d.body, d.headers)).status).toBe(413);
    expect(await intake.jobs()).toHaveLength(0);
  });

  it.each([
    ["ping", () => githubExample("ping"), "ignored: ping"],
    [
      "issue_comment",
      () => githubExample("issue_comment", (p) => p.action === "created"),
      "ignored: comment on an issue, not a pull request",
    ],
    ["push", () => githubExample("push", (p) => p.deleted), "ignored: push deletes tag simple-tag"],
    ["create", () => githubExample("create"), 'ignored: event "create" is not used by the bot'],
  ])("answers 200 without a job to %s the bot ignores", async (event, payload, message) => {
    const d = delivery(event, payload());
    expect(await intake.post(PATH, d.body, d.headers)).toEqual({
      status: 200,
      body: { result: "ignored", message },
    });
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("logs each delivery with its id, host, event and repo, and never the secret", async () => {
    const d = delivery(
      "pull_request",
      githubExample("pull_request", (p) => p.action === "closed"),
    );
    await intake.post(PATH, d.body, d.headers);
    const bad = delivery("ping", githubExample("ping"), "wrong");
    await intake.post(PATH, bad.body, bad.headers);
    expect(intake.logLines()).toContainEqual(
      expect.objectContaining({
        deliveryId: d.headers["x-github-delivery"],
        host: "github",
        event: "pull_request",
        repo: "Codertocat/Hello-World",
        result: "accepted",
      }),
    );
    expect(intake.logText()).not.toContain(SECRET);
    expect(intake.logText()).not.toContain("PRIVATE KEY");
  });
});
