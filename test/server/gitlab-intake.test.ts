import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Payload } from "./github-examples.js";
import { type Intake, startIntake } from "./intake-harness.js";

const PATH = "/api/gitlab/webhooks";
const SECRET = `gl-hook-${randomUUID()}`;
const TOKEN = `glpat-${randomUUID()}`;

function fixture(name: string): Payload {
  return JSON.parse(readFileSync(new URL(`../fixtures/gitlab/${name}.json`, import.meta.url), "utf8"));
}

/** A delivery as GitLab sends it: the secret itself in X-Gitlab-Token, a per-event UUID. */
function delivery(payload: unknown, event: string, headers: Record<string, string> = {}) {
  return {
    body: JSON.stringify(payload),
    headers: {
      "content-type": "application/json",
      "x-gitlab-event": event,
      "x-gitlab-token": SECRET,
      "x-gitlab-event-uuid": randomUUID(),
      "x-gitlab-instance": "https://gitlab.example.com",
      ...headers,
    },
  };
}

describe("GitLab intake", () => {
  let intake: Intake;
  beforeEach(async () => {
    intake = await startIntake({
      GITLAB_URL: "https://gitlab.example.com",
      GITLAB_TOKEN: TOKEN,
      GITLAB_WEBHOOK_SECRET: SECRET,
      ZAKENAK_REPO_ALLOWLIST: "acme/**",
      ZAKENAK_MAX_BODY_BYTES: "65536",
    });
  });
  afterEach(async () => {
    await intake.close();
  });

  it("accepts a verified merge request event: 202 and one job holding the normalized event only", async () => {
    const d = delivery(fixture("merge-request-update"), "Merge Request Hook");
    const reply = await intake.post(PATH, d.body, d.headers);
    const id = d.headers["x-gitlab-event-uuid"];
    expect(reply).toEqual({ status: 202, body: { result: "accepted", deliveryId: id, type: "pr-updated" } });
    const jobs = await intake.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.data).toEqual({
      id,
      host: "gitlab",
      event: {
        type: "pr-updated",
        repo: { host: "gitlab", fullName: "acme/platform/deployments", id: "42", defaultBranch: "main" },
        number: 12,
        headSha: "3f1c0e7d2b9a4c58e6f0a1b2c3d4e5f60718293a",
        headBranch: "scale-web",
        baseBranch: "develop",
        sender: "dana",
      },
    });
    const stored = JSON.stringify(jobs[0]?.asJSON());
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(TOKEN);
  });

  it("answers a redelivery 202 duplicate and keeps one job", async () => {
    const d = delivery(fixture("note-merge-request"), "Note Hook");
    expect((await intake.post(PATH, d.body, d.headers)).body.result).toBe("accepted");
    const again = await intake.post(PATH, d.body, d.headers);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ result: "duplicate" });
    expect(String(again.body.message)).toContain("duplicate");
    expect(await intake.jobs()).toHaveLength(1);
  });

  it("dedupes on Idempotency-Key, which GitLab keeps across retries", async () => {
    const key = randomUUID();
    const first = delivery(fixture("push"), "Push Hook", { "idempotency-key": key });
    const retry = delivery(fixture("push"), "Push Hook", { "idempotency-key": key });
    expect((await intake.post(PATH, first.body, first.headers)).body).toMatchObject({ deliveryId: key });
    expect((await intake.post(PATH, retry.body, retry.headers)).body.result).toBe("duplicate");
    expect(await intake.jobs()).toHaveLength(1);
  });

  it("answers 401 to a wrong token and queues nothing", async () => {
    const d = delivery(fixture("push"), "Push Hook", { "x-gitlab-token": `${SECRET}x` });
    expect(await intake.post(PATH, d.body, d.headers)).toEqual({
      status: 401,
      body: { error: "bad X-Gitlab-Token" },
    });
    expect(await intake.jobs()).toHaveLength(0);
  });

  it.each(["X-Gitlab-Token", "X-Gitlab-Event", "X-Gitlab-Event-UUID"])(
    "answers 400 naming a missing %s header",
    async (header) => {
      const d = delivery(fixture("push"), "Push Hook");
      const headers = Object.fromEntries(
        Object.entries(d.headers).filter(([k]) => k !== header.toLowerCase()),
      );
      expect(await intake.post(PATH, d.body, headers)).toEqual({
        status: 400,
        body: { error: `missing ${header} header` },
      });
      expect(await intake.jobs()).toHaveLength(0);
    },
  );

  it("answers 403 for a project outside the allowlist", async () => {
    const payload = fixture("push");
    payload.project.path_with_namespace = "evil/deployments";
    const d = delivery(payload, "Push Hook");
    expect(await intake.post(PATH, d.body, d.headers)).toEqual({
      status: 403,
      body: {
        error:
          "repository evil/deployments is not served here (ZAKENAK_REPO_ALLOWLIST, server configuration)",
      },
    });
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 413 to a body over ZAKENAK_MAX_BODY_BYTES", async () => {
    const payload = fixture("merge-request-open");
    payload.object_attributes.description = "x".repeat(70_000);
    const d = delivery(payload, "Merge Request Hook");
    const reply = await intake.post(PATH, d.body, d.headers);
    expect(reply.status).toBe(413);
    expect(reply.body.error).toMatch(/payload too large/);
    expect(await intake.jobs()).toHaveLength(0);
  });

  it.each([
    [
      "merge-request-update-labels",
      "Merge Request Hook",
      "ignored: merge request update without new commits",
    ],
    ["note-issue", "Note Hook", "ignored: note on Issue, not on a merge request"],
    ["push-delete-branch", "Push Hook", "ignored: push deletes branch feature/old"],
    ["tag-delete", "Tag Push Hook", "ignored: push deletes tag v1.4.0"],
  ])("answers 200 without a job to %s", async (name, event, message) => {
    const d = delivery(fixture(name), event);
    expect(await intake.post(PATH, d.body, d.headers)).toEqual({
      status: 200,
      body: { result: "ignored", message },
    });
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("answers 400 to a payload that is not JSON or lacks documented fields", async () => {
    const d = delivery({}, "Push Hook");
    expect(await intake.post(PATH, "{not json", d.headers)).toEqual({
      status: 400,
      body: { error: "bad payload: not valid JSON" },
    });
    const payload = fixture("merge-request-open");
    delete payload.object_attributes.last_commit;
    const bad = delivery(payload, "Merge Request Hook");
    const reply = await intake.post(PATH, bad.body, bad.headers);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/^bad Merge Request Hook payload: object_attributes\.last_commit: /);
    expect(await intake.jobs()).toHaveLength(0);
  });

  it("logs one line per delivery with its id, host, event and repo, and no secret", async () => {
    const d = delivery(fixture("tag-push"), "Tag Push Hook");
    await intake.post(PATH, d.body, d.headers);
    const bad = delivery(fixture("push"), "Push Hook", { "x-gitlab-token": "wrong" });
    await intake.post(PATH, bad.body, bad.headers);
    const line = intake.logLines().find((l) => l.deliveryId === d.headers["x-gitlab-event-uuid"]);
    expect(line).toMatchObject({
      host: "gitlab",
      event: "Tag Push Hook",
      repo: "acme/platform/deployments",
      type: "push",
      result: "accepted",
    });
    expect(intake.logLines().some((l) => l.result === "bad-signature")).toBe(true);
    expect(intake.logText()).not.toContain(SECRET);
    expect(intake.logText()).not.toContain(TOKEN);
  });
});
