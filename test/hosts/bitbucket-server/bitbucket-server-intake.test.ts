import { createHmac, randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Intake, startIntake } from "../../server/intake-harness.js";
import {
  commentPayload,
  developTip,
  fullName,
  headSha,
  mergeSha,
  pullRequestPayload,
  refsChangedPayload,
} from "./bitbucket-server-fixtures.js";

const PATH = "/api/bitbucket-server/webhooks";
const SECRET = `bbs-hook-${randomUUID()}`;
const TOKEN = `BBDC-${randomUUID()}`;

/** A delivery as Bitbucket sends it: `X-Hub-Signature: sha256=<hex>` over the exact body bytes. */
function delivery(eventKey: string, payload: unknown, headers: Record<string, string> = {}) {
  const body = JSON.stringify(payload);
  const signature = createHmac("sha256", SECRET).update(body).digest("hex");
  return {
    body,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "user-agent": "Atlassian HttpClient 4.2.0 / Bitbucket-9.4.2 (9004002) / Default",
      "x-event-key": eventKey,
      "x-request-id": randomUUID(),
      "x-hub-signature": `sha256=${signature}`,
      ...headers,
    },
  };
}

describe("Bitbucket Server intake", () => {
  let intake: Intake;
  beforeEach(async () => {
    intake = await startIntake({
      BITBUCKET_SERVER_URL: "https://bitbucket.example.com/bitbucket",
      BITBUCKET_SERVER_TOKEN: TOKEN,
      BITBUCKET_SERVER_WEBHOOK_SECRET: SECRET,
      ZAKENAK_REPO_ALLOWLIST: "plat/*",
      ZAKENAK_MAX_BODY_BYTES: "65536",
    });
  });
  afterEach(async () => {
    await intake.close();
  });

  it("accepts a signed pull request event: 202 and one job holding the normalized event only", async () => {
    const d = delivery("pr:from_ref_updated", pullRequestPayload("pr:from_ref_updated"));
    const id = d.headers["x-request-id"];
    expect(await intake.post(PATH, d.body, d.headers)).toEqual({
      status: 202,
      body: { result: "accepted", deliveryId: id, type: "pr-updated" },
    });
    const jobs = await intake.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.data).toEqual({
      id,
      host: "bitbucket-server",
      event: {
        type: "pr-updated",
        repo: { host: "bitbucket-server", fullName },
        number: 12,
        headSha,
        headBranch: "feature-green",
        baseBranch: "develop",
        sender: "dana",
      },
    });
    const stored = JSON.stringify(jobs[0]?.asJSON());
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(TOKEN);
  });

  it("queues one push per ref change of a delivery, each under its own id", async () => {
    const d = delivery(
      "repo:refs_changed",
      refsChangedPayload([
        { ref: "refs/heads/develop", from: developTip, to: mergeSha },
        { ref: "refs/heads/old", from: developTip, type: "DELETE" },
        { ref: "refs/tags/v1.2.0", to: headSha, type: "ADD" },
      ]),
    );
    const id = d.headers["x-request-id"];
    const reply = await intake.post(PATH, d.body, d.headers);
    expect(reply).toEqual({
      status: 202,
      body: {
        result: "accepted",
        deliveryId: id,
        deliveries: [
          { result: "accepted", deliveryId: `${id}.0`, type: "push" },
          { result: "ignored", deliveryId: `${id}.1`, message: "ignored: push deletes branch old" },
          { result: "accepted", deliveryId: `${id}.2`, type: "push" },
        ],
      },
    });
    const jobs = (await intake.jobs()).map((j) => j.data).sort((a, b) => a.id.localeCompare(b.id));
    expect(jobs.map((j) => [j.id, j.event.ref, j.event.after])).toEqual([
      [`${id}.0`, "refs/heads/develop", mergeSha],
      [`${id}.2`, "refs/tags/v1.2.0", headSha],
    ]);

    // A redelivery queues nothing new.
    const again = await intake.post(PATH, d.body, d.headers);
    expect(again.status).toBe(202);
    expect(again.body.result).toBe("duplicate");
    expect(await intake.jobs()).toHaveLength(2);
  });

  it("queues a push of a single ref under the delivery's own id", async () => {
    const d = delivery(
      "repo:refs_changed",
      refsChangedPayload([{ ref: "refs/heads/develop", to: mergeSha }]),
    );
    expect((await intake.post(PATH, d.body, d.headers)).body).toEqual({
      result: "accepted",
      deliveryId: d.headers["x-request-id"],
      type: "push",
    });
  });

  it("answers a redelivery 202 duplicate and keeps one job", async () => {
    const d = delivery("pr:comment:added", commentPayload());
    expect((await intake.post(PATH, d.body, d.headers)).body.result).toBe("accepted");
    const again = await intake.post(PATH, d.body, d.headers);
    expect(again).toMatchObject({ status: 202, body: { result: "duplicate" } });
    expect(await intake.jobs()).toHaveLength(1);
  });

  it("answers the unsigned diagnostics:ping 200 and queues nothing", async () => {
    const ping = await intake.post(PATH, JSON.stringify({ test: true }), {
      "content-type": "application/json",
      "x-event-key": "diagnostics:ping",
      "x-request-id": randomUUID(),
    });
    expect(ping).toEqual({
      status: 200,
      body: { result: "ignored", message: "ignored: diagnostics:ping (connection test)" },
    });
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 401 to a missing, malformed or wrong signature, and queues nothing", async () => {
    const d = delivery("pr:opened", pullRequestPayload("pr:opened"));
    const { "x-hub-signature": _, ...unsigned } = d.headers;
    expect(await intake.post(PATH, d.body, unsigned)).toEqual({
      status: 401,
      body: { error: "missing X-Hub-Signature header: set a secret on the webhook" },
    });
    const tampered = d.body.replace("feature-green", "feature-evil");
    expect(await intake.post(PATH, tampered, d.headers)).toEqual({
      status: 401,
      body: { error: "bad X-Hub-Signature signature" },
    });
    const wrongKey = `sha256=${createHmac("sha256", "other").update(d.body).digest("hex")}`;
    const bare = d.headers["x-hub-signature"]?.slice("sha256=".length) ?? "";
    const sha1 = `sha1=${createHmac("sha1", SECRET).update(d.body).digest("hex")}`;
    for (const signature of [wrongKey, bare, sha1, "sha256=zz"]) {
      expect((await intake.post(PATH, d.body, { ...d.headers, "x-hub-signature": signature })).status).toBe(
        401,
      );
    }
    // Only the test event goes unsigned: a push pretending to be one is not let through by its header alone.
    const pushAsPing = await intake.post(PATH, d.body, { ...unsigned, "x-event-key": "repo:refs_changed" });
    expect(pushAsPing.status).toBe(401);
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 400 naming a missing event key or request id, and to a payload without its fields", async () => {
    const d = delivery("pr:opened", pullRequestPayload("pr:opened"));
    const { "x-event-key": _, ...noKey } = d.headers;
    expect(await intake.post(PATH, d.body, noKey)).toEqual({
      status: 400,
      body: { error: "missing X-Event-Key header" },
    });
    const { "x-request-id": __, ...noId } = d.headers;
    expect(await intake.post(PATH, d.body, noId)).toEqual({
      status: 400,
      body: { error: "missing X-Request-Id header" },
    });
    const empty = delivery("repo:refs_changed", { repository: {} });
    expect(await intake.post(PATH, empty.body, empty.headers)).toEqual({
      status: 400,
      body: {
        error:
          "bad repo:refs_changed payload: repository.slug: Invalid input: expected string, received undefined",
      },
    });
    const notJson = delivery("pr:opened", "x");
    const garbled = { ...notJson, body: "{" };
    garbled.headers["x-hub-signature"] = `sha256=${createHmac("sha256", SECRET).update("{").digest("hex")}`;
    expect((await intake.post(PATH, garbled.body, garbled.headers)).status).toBe(400);
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 403 for a repository outside the allowlist, for pushes of several refs too", async () => {
    const payload = refsChangedPayload([
      { ref: "refs/heads/develop", to: mergeSha },
      { ref: "refs/heads/main", to: mergeSha },
    ]);
    payload.repository.project.key = "OTHER";
    const d = delivery("repo:refs_changed", payload);
    expect(await intake.post(PATH, d.body, d.headers)).toEqual({
      status: 403,
      body: {
        error:
          "repository OTHER/deployments is not served here (ZAKENAK_REPO_ALLOWLIST, server configuration)",
      },
    });
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 200 without a job to events the bot ignores", async () => {
    const d = delivery("pr:modified", pullRequestPayload("pr:modified"));
    expect(await intake.post(PATH, d.body, d.headers)).toEqual({
      status: 200,
      body: { result: "ignored", message: 'ignored: event "pr:modified" is not used by the bot' },
    });
    const deleted = delivery(
      "repo:refs_changed",
      refsChangedPayload([{ ref: "refs/heads/x", type: "DELETE" }]),
    );
    expect((await intake.post(PATH, deleted.body, deleted.headers)).status).toBe(200);
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 413 to a body over ZAKENAK_MAX_BODY_BYTES", async () => {
    const payload = commentPayload({ text: "x".repeat(70_000) });
    const d = delivery("pr:comment:added", payload);
    expect((await intake.post(PATH, d.body, d.headers)).status).toBe(413);
    expect(await intake.jobs()).toHaveLength(0);
  });
});
