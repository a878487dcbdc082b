import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Intake, startIntake } from "./intake-harness.js";

const PATH = "/api/gitea/webhooks";
const TOKEN = `gitea-token-${randomUUID()}`;

/** A delivery captured from a real Gitea server: the exact body bytes and the headers it sent. */
function captured(name: string): { body: Buffer; headers: Record<string, string>; secret: string } {
  const dir = new URL("../fixtures/gitea/", import.meta.url);
  const { secret, headers } = JSON.parse(readFileSync(new URL(`${name}.headers.json`, dir), "utf8"));
  return { body: readFileSync(new URL(`${name}.json`, dir)), headers, secret };
}

const SECRET = captured("push").secret;

/** A body Gitea would sign with the same secret (for payloads edited by a test). */
function signed(payload: unknown, headers: Record<string, string>) {
  const body = JSON.stringify(payload);
  const signature = createHmac("sha256", SECRET).update(body).digest("hex");
  return { body, headers: { ...headers, "x-gitea-delivery": randomUUID(), "x-gitea-signature": signature } };
}

describe("Gitea intake", () => {
  let intake: Intake;
  beforeEach(async () => {
    intake = await startIntake({
      GITEA_URL: "http://127.0.0.1:3001",
      GITEA_TOKEN: TOKEN,
      GITEA_WEBHOOK_SECRET: SECRET,
      ZAKENAK_REPO_ALLOWLIST: "zakenak-admin/*",
      ZAKENAK_MAX_BODY_BYTES: "65536",
    });
  });
  afterEach(async () => {
    await intake.close();
  });

  it("accepts each captured delivery: 202 and one job with the normalized event only", async () => {
    const expected: Record<string, string> = {
      push: "push",
      "push-merge": "push",
      "pull-request-opened": "pr-opened",
      "pull-request-merged": "pr-closed",
      "issue-comment-pull-request": "comment",
    };
    for (const [name, type] of Object.entries(expected)) {
      const d = captured(name);
      const id = d.headers["x-gitea-delivery"];
      expect(await intake.post(PATH, d.body, d.headers)).toEqual({
        status: 202,
        body: { result: "accepted", deliveryId: id, type },
      });
    }
    const jobs = await intake.jobs();
    expect(jobs).toHaveLength(5);
    const comment = jobs.find((j) => j.data.event.type === "comment");
    expect(comment?.data).toEqual({
      id: "dc0c0a0b-c411-4ea8-87e2-9799f7dbfe85",
      host: "gitea",
      event: {
        type: "comment",
        repo: { host: "gitea", fullName: "zakenak-admin/deployments", defaultBranch: "main" },
        number: 1,
        commentId: "2",
        body: "/zakenak plan",
        author: "reviewer",
        authorIsBot: false,
      },
    });
    for (const job of jobs) {
      const stored = JSON.stringify(job.asJSON());
      expect(stored).not.toContain(SECRET);
      expect(stored).not.toContain(TOKEN);
    }
  });

  it("answers a redelivery 202 duplicate and keeps one job", async () => {
    const d = captured("pull-request-opened");
    await intake.post(PATH, d.body, d.headers);
    const again = await intake.post(PATH, d.body, d.headers);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ result: "duplicate", deliveryId: d.headers["x-gitea-delivery"] });
    expect(await intake.jobs()).toHaveLength(1);
  });

  it("answers 401 to a signature that does not match the body, and queues nothing", async () => {
    const d = captured("push");
    const tampered = Buffer.from(d.body.toString("utf8").replace("refs/heads/feature", "refs/heads/main"));
    expect(await intake.post(PATH, tampered, d.headers)).toEqual({
      status: 401,
      body: { error: "bad X-Gitea-Signature signature" },
    });
    const other = {
      ...d.headers,
      "x-gitea-signature": createHmac("sha256", "other").update(d.body).digest("hex"),
    };
    expect((await intake.post(PATH, d.body, other)).status).toBe(401);
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 400 naming a missing signature header, and 400 to an empty one", async () => {
    const d = captured("push");
    const { "x-gitea-signature": _, ...unsigned } = d.headers;
    expect(await intake.post(PATH, d.body, unsigned)).toEqual({
      status: 400,
      body: { error: "missing X-Gitea-Signature header" },
    });
    const empty = await intake.post(PATH, d.body, { ...unsigned, "x-gitea-signature": "" });
    expect(empty).toEqual({
      status: 400,
      body: { error: "empty X-Gitea-Signature header: set a secret on the webhook" },
    });
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("prefers Forgejo's headers when present", async () => {
    const d = captured("pull-request-opened");
    const forgejoId = randomUUID();
    const headers: Record<string, string> = {
      ...d.headers,
      "x-forgejo-event": "pull_request",
      "x-forgejo-event-type": "pull_request",
      "x-forgejo-delivery": forgejoId,
      "x-forgejo-signature": d.headers["x-gitea-signature"] ?? "",
    };
    expect((await intake.post(PATH, d.body, headers)).body).toMatchObject({ deliveryId: forgejoId });
    const { "x-forgejo-signature": _, ...unsigned } = headers;
    // Forgejo also sends X-Gitea-Signature; without it the message names Forgejo's header.
    const { "x-gitea-signature": __, ...bare } = unsigned;
    expect((await intake.post(PATH, d.body, bare)).body).toEqual({
      error: "missing X-Forgejo-Signature header",
    });
  });

  it("answers 403 for a repository outside the allowlist", async () => {
    const d = captured("push");
    const payload = JSON.parse(d.body.toString("utf8"));
    payload.repository.full_name = "someone-else/deployments";
    const s = signed(payload, d.headers);
    expect(await intake.post(PATH, s.body, s.headers)).toEqual({
      status: 403,
      body: {
        error:
          "repository someone-else/deployments is not served here (ZAKENAK_REPO_ALLOWLIST, server configuration)",
      },
    });
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 413 to a body over ZAKENAK_MAX_BODY_BYTES", async () => {
    const d = captured("push");
    const payload = JSON.parse(d.body.toString("utf8"));
    payload.head_commit.message = "x".repeat(70_000);
    const s = signed(payload, d.headers);
    expect((await intake.post(PATH, s.body, s.headers)).status).toBe(413);
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 200 without a job to events the bot ignores", async () => {
    const d = captured("issue-comment-pull-request");
    const payload = JSON.parse(d.body.toString("utf8"));
    const asIssue = signed(
      { ...payload, is_pull: false },
      { ...d.headers, "x-gitea-event-type": "issue_comment" },
    );
    expect(await intake.post(PATH, asIssue.body, asIssue.headers)).toEqual({
      status: 200,
      body: { result: "ignored", message: "ignored: comment on an issue, not a pull request" },
    });
    const create = signed({ ref: "v1", ref_type: "tag" }, { ...d.headers, "x-gitea-event-type": "create" });
    expect((await intake.post(PATH, create.body, create.headers)).status).toBe(200);
    expect(await intake.jobs()).toHaveLength(0);
  });
});
