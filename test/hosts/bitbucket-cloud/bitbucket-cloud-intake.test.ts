import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Intake, startIntake } from "../../server/intake-harness.js";
import { type StrictHttpFake, startStrictHttpFake } from "../../support/strict-http-fake.js";
import {
  commentPayload,
  DANA,
  FULL_NAME,
  named,
  type Payload,
  pullRequestPayload,
  pushPayload,
  sha,
  signedHeaders,
} from "./bitbucket-cloud-fixtures.js";

const PATH = "/api/bitbucket-cloud/webhooks";
const SECRET = `bb-hook-${randomUUID()}`;
const TOKEN = `bb-access-${randomUUID()}`;
const REPO = `/2.0/repositories/${FULL_NAME}`;
const HEAD = sha("a1");
const NEXT = sha("c3");

function delivery(eventKey: string, payload: Payload, uuid = randomUUID()) {
  const body = JSON.stringify(payload);
  return { body, uuid, headers: signedHeaders(SECRET, eventKey, body, uuid) };
}

const lookup = (full: string, repo = REPO) => ({
  method: "GET",
  path: `${repo}/commit/${full.slice(0, 12)}`,
  query: { fields: "hash" },
  requestHeaders: { authorization: `Bearer ${TOKEN}` },
  json: { hash: full },
});

describe("Bitbucket Cloud intake", () => {
  let fake: StrictHttpFake;
  let intake: Intake;
  beforeAll(async () => {
    fake = await startStrictHttpFake();
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    intake = await startIntake({
      BITBUCKET_CLOUD_API_URL: `${fake.url}/2.0`,
      BITBUCKET_CLOUD_ACCESS_TOKEN: TOKEN,
      BITBUCKET_CLOUD_WEBHOOK_SECRET: SECRET,
      ZAKENAK_REPO_ALLOWLIST: "acme/**",
    });
  });
  afterEach(async () => {
    await intake.close();
    fake.verify();
  });

  const post = (d: ReturnType<typeof delivery>) => intake.post(PATH, d.body, d.headers);
  const pr = (head = HEAD) => pullRequestPayload({ id: 7, head, headRef: "feature/green" });

  it("accepts a signed pull request and queues it keyed by the full head sha", async () => {
    fake.expect(lookup(HEAD));
    const d = delivery("pullrequest:created", pr());
    expect(await post(d)).toEqual({
      status: 202,
      body: { result: "accepted", deliveryId: d.uuid, type: "pr-opened" },
    });
    const jobs = await intake.jobs();
    expect(jobs.map((j) => j.data)).toEqual([
      {
        id: d.uuid,
        host: "bitbucket",
        event: {
          type: "pr-opened",
          repo: { host: "bitbucket", fullName: FULL_NAME },
          number: 7,
          headSha: HEAD,
          headBranch: "feature/green",
          baseBranch: "develop",
          sender: named(DANA),
        },
      },
    ]);
    expect(JSON.stringify(jobs[0]?.asJSON())).not.toContain(TOKEN);
  });

  it("expands a fork's head in the fork", async () => {
    fake.expect(lookup(HEAD, "/2.0/repositories/mallory/deployments"));
    const payload = pullRequestPayload({ id: 8, head: HEAD, headRef: "x", from: "mallory/deployments" });
    expect((await post(delivery("pullrequest:created", payload))).status).toBe(202);
  });

  it("plans an update only when the head moved (title edits fire pullrequest:updated too)", async () => {
    fake.expect(lookup(HEAD), lookup(HEAD), lookup(NEXT), lookup(HEAD));
    expect((await post(delivery("pullrequest:created", pr()))).body.result).toBe("accepted");
    expect(await post(delivery("pullrequest:updated", pr()))).toEqual({
      status: 200,
      body: {
        result: "ignored",
        message: "ignored: pull request #7 updated without new commits (head a1a1a1a1a1a1)",
      },
    });
    expect((await post(delivery("pullrequest:updated", pr(NEXT)))).body.type).toBe("pr-updated");
    // Reset to the earlier head: planned again.
    expect((await post(delivery("pullrequest:updated", pr(HEAD)))).body.type).toBe("pr-updated");
    expect((await intake.jobs()).map((j) => j.data.event.headSha).sort()).toEqual([HEAD, HEAD, NEXT].sort());
  });

  it.each([
    ["pullrequest:fulfilled", true],
    ["pullrequest:rejected", false],
  ])("turns %s into pr-closed (merged: %s)", async (key, merged) => {
    fake.expect(lookup(HEAD));
    expect((await post(delivery(key, pr()))).body.type).toBe("pr-closed");
    expect((await intake.jobs())[0]?.data.event).toMatchObject({ merged, headSha: HEAD });
  });

  it("ignores a pull request whose head commit is gone", async () => {
    fake.expect({
      ...lookup(HEAD),
      status: 404,
      json: { type: "error", error: { message: "Commit not found" } },
    });
    const reply = await post(delivery("pullrequest:created", pr()));
    expect(reply).toMatchObject({ status: 200, body: { result: "ignored" } });
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 503 when Bitbucket fails the lookup (redelivery helps) and 500 when the token is refused", async () => {
    fake.expect(
      { ...lookup(HEAD), status: 502, json: {} },
      { ...lookup(HEAD), status: 401, json: { type: "error", error: { message: "Unauthorized" } } },
    );
    expect((await post(delivery("pullrequest:created", pr()))).status).toBe(503);
    const refused = await post(delivery("pullrequest:created", pr()));
    expect(refused.status).toBe(500);
    expect(String(refused.body.error)).toMatch(/HTTP 401/);
    expect(String(refused.body.error)).not.toContain(TOKEN);
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("queues one push per changed ref, ids suffixed, a deleted ref ignored", async () => {
    const payload = pushPayload([
      { name: "develop", before: sha("01"), after: sha("02") },
      { type: "tag", name: "v1.2.0", after: sha("03") },
      { name: "old", before: sha("04") },
    ]);
    const d = delivery("repo:push", payload);
    const reply = await post(d);
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({
      result: "accepted",
      deliveryId: d.uuid,
      events: [
        { deliveryId: `${d.uuid}.1`, result: "accepted", type: "push" },
        { deliveryId: `${d.uuid}.2`, result: "accepted", type: "push" },
        { deliveryId: `${d.uuid}.3`, result: "ignored", message: "ignored: push deletes branch old" },
      ],
    });
    const events = (await intake.jobs()).map((j) => j.data.event).sort((a, b) => a.ref.localeCompare(b.ref));
    expect(events).toEqual([
      expect.objectContaining({ ref: "refs/heads/develop", refType: "branch", after: sha("02") }),
      expect.objectContaining({
        ref: "refs/tags/v1.2.0",
        refType: "tag",
        refName: "v1.2.0",
        after: sha("03"),
      }),
    ]);
    // A redelivery queues nothing new.
    expect((await post(d)).body.result).toBe("duplicate");
    expect(await intake.jobs()).toHaveLength(2);
  });

  it("queues a comment with the commenter's account id as author", async () => {
    const reply = await post(delivery("pullrequest:comment_created", commentPayload(7, 41, DANA, "/plan")));
    expect(reply.body.type).toBe("comment");
    expect((await intake.jobs())[0]?.data.event).toEqual({
      type: "comment",
      repo: { host: "bitbucket", fullName: FULL_NAME },
      number: 7,
      commentId: "41",
      body: "/plan",
      author: named(DANA),
      authorIsBot: false,
    });
  });

  it("refuses a missing or wrong signature with 401 and queues nothing", async () => {
    const d = delivery("repo:push", pushPayload([{ name: "develop", after: sha("02") }]));
    const { "x-hub-signature": _, ...unsigned } = d.headers;
    expect(await intake.post(PATH, d.body, unsigned)).toEqual({
      status: 401,
      body: { error: "missing X-Hub-Signature header: set a secret on the webhook" },
    });
    const tampered = d.body.replace("develop", "main");
    expect(await intake.post(PATH, tampered, d.headers)).toEqual({
      status: 401,
      body: { error: "bad X-Hub-Signature signature" },
    });
    const sha1 = { ...d.headers, "x-hub-signature": "sha1=0123456789abcdef0123456789abcdef01234567" };
    expect((await intake.post(PATH, d.body, sha1)).status).toBe(401);
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 400 naming a missing X-Event-Key or X-Request-UUID, and to a payload without its fields", async () => {
    const d = delivery("repo:push", pushPayload([{ name: "develop", after: sha("02") }]));
    for (const header of ["x-event-key", "x-request-uuid"]) {
      const headers = Object.fromEntries(Object.entries(d.headers).filter(([k]) => k !== header));
      expect((await intake.post(PATH, d.body, headers)).status).toBe(400);
    }
    const bad = delivery("pullrequest:created", { repository: { full_name: FULL_NAME } });
    const reply = await post(bad);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/^bad pullrequest:created payload: actor/);
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 403 for a repository outside the allowlist without asking Bitbucket", async () => {
    const payload = pr();
    payload.repository.full_name = "evil/deployments";
    expect((await post(delivery("pullrequest:created", payload))).status).toBe(403);
  });

  it("ignores events it does not use", async () => {
    expect(await post(delivery("repo:fork", { repository: { full_name: FULL_NAME } }))).toEqual({
      status: 200,
      body: { result: "ignored", message: 'ignored: event "repo:fork" is not used by the bot' },
    });
  });
});
