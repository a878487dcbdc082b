import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Intake, startIntake } from "../../server/intake-harness.js";
import { commentEvent, type PayloadWorld, pullRequestEvent, pushEvent } from "./azure-devops-payloads.js";

const PATH = "/api/azure-devops/webhooks";
const HOOK = { user: "zakenak-hook", password: `pw-${randomUUID()}` };
const world: PayloadWorld = {
  elsewhere: "http://127.0.0.1:9/evil",
  project: "Platform",
  projectId: randomUUID(),
  repo: "deployments",
  repoId: randomUUID(),
};
const HEAD = "a".repeat(40);
const pr = {
  number: 4,
  status: "active" as const,
  head: HEAD,
  headRef: "feature",
  author: "dana@acme.example",
};
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("Azure DevOps intake", () => {
  let intake: Intake;
  beforeEach(async () => {
    intake = await startIntake({
      AZURE_DEVOPS_URL: "https://dev.azure.com/acme/",
      AZURE_DEVOPS_TOKEN: `pat-${randomUUID()}`,
      AZURE_DEVOPS_WEBHOOK_USER: HOOK.user,
      AZURE_DEVOPS_WEBHOOK_PASSWORD: HOOK.password,
      ZAKENAK_REPO_ALLOWLIST: "Platform/*",
    });
  });
  afterEach(async () => {
    await intake.close();
  });

  // An empty authorization sends none.
  const post = (payload: unknown, authorization = basic(HOOK.user, HOOK.password)) =>
    intake.post(PATH, JSON.stringify(payload), {
      "content-type": "application/json",
      ...(authorization ? { authorization } : {}),
    });

  it("refuses missing or bad Basic credentials with 401 and queues nothing", async () => {
    const payload = pullRequestEvent(world, "created", pr);
    for (const auth of [
      "",
      basic(HOOK.user, "wrong"),
      basic("someone", HOOK.password),
      basic(HOOK.user, `${HOOK.password}x`),
      `Bearer ${HOOK.password}`,
      "Basic !!!",
    ]) {
      const reply = await post(payload, auth);
      expect(reply.status).toBe(401);
      expect(JSON.stringify(reply.body)).not.toContain(HOOK.password);
    }
    expect(await intake.jobs()).toEqual([]);
    // No credentials is a hook set up without them; wrong ones count as signature failures.
    const metrics = await intake.metrics.registry.metrics();
    const counted = (result: string) =>
      `zakenak_webhooks_total{host="azure-devops",event="unknown",result="${result}"}`;
    expect(metrics).toContain(`${counted("unauthorized")} 1`);
    expect(metrics).toContain(`${counted("bad-signature")} 5`);
  });

  it("queues a pull request by the body's event type, with the event id as delivery id", async () => {
    const payload = pullRequestEvent(world, "created", pr);
    expect(await post(payload)).toEqual({
      status: 202,
      body: { result: "accepted", deliveryId: payload.id, type: "pr-opened" },
    });
    // A redelivery keeps the id: one job.
    expect((await post(payload)).body.result).toBe("duplicate");
    const [job] = await intake.jobs();
    expect(job?.data).toEqual({
      id: payload.id,
      host: "azure-devops",
      event: {
        type: "pr-opened",
        repo: {
          host: "azure-devops",
          fullName: "Platform/deployments",
          id: world.repoId,
          defaultBranch: "main",
        },
        number: 4,
        headSha: HEAD,
        headBranch: "feature",
        baseBranch: "develop",
        sender: "dana@acme.example",
      },
    });
    // Nothing of the payload's addresses travels with the job.
    expect(JSON.stringify(job?.data)).not.toContain("127.0.0.1:9");
  });

  it("reads merged and abandoned from the updated event's status", async () => {
    for (const status of ["completed", "abandoned"] as const) {
      const reply = await post(pullRequestEvent(world, "updated", { ...pr, status }));
      expect(reply.body.type).toBe("pr-closed");
    }
    const closed = (await intake.jobs()).map((j) => j.data.event.merged).sort();
    expect(closed).toEqual([false, true]);
    expect((await post(pullRequestEvent(world, "updated", pr))).body.type).toBe("pr-updated");
  });

  it("splits a push of several refs into one delivery per ref and skips deleted refs", async () => {
    const payload = pushEvent(
      world,
      [
        { name: "refs/heads/develop", oldObjectId: "1".repeat(40), newObjectId: HEAD },
        { name: "refs/tags/v1.0.0", oldObjectId: "0".repeat(40), newObjectId: "b".repeat(40) },
        { name: "refs/heads/gone", oldObjectId: "c".repeat(40), newObjectId: "0".repeat(40) },
      ],
      "dana@acme.example",
    );
    const reply = await post(payload);
    expect(reply.status).toBe(202);
    const jobs = await intake.jobs();
    expect(jobs.map((j) => j.data.id).sort()).toEqual(
      [`${payload.id}:refs/heads/develop`, `${payload.id}:refs/tags/v1.0.0`].sort(),
    );
    expect(jobs.map((j) => j.data.event.refType).sort()).toEqual(["branch", "tag"]);
  });

  it("queues PR comments at resourceVersion 2.0 and skips system, edited and other comments", async () => {
    const comment = { id: 5, author: "dana@acme.example", body: "/plan" };
    const ok = await post(commentEvent(world, pr, comment));
    expect(ok.body.type).toBe("comment");
    const [job] = await intake.jobs();
    expect(job?.data.event).toMatchObject({
      number: 4,
      commentId: "5",
      body: "/plan",
      author: "dana@acme.example",
    });
    for (const c of [
      { ...comment, commentType: "system" },
      { ...comment, edited: true },
    ]) {
      expect((await post(commentEvent(world, pr, c))).body.result).toBe("ignored");
    }
    // resourceVersion 1.0 sends the comment alone: a clear 400 instead of a half event.
    const v1 = commentEvent(world, pr, comment) as { resource: Record<string, unknown> };
    delete v1.resource.pullRequest;
    const reply = await post(v1);
    expect(reply.status).toBe(400);
    expect(String(reply.body.error)).toContain("resourceVersion 2.0");
    expect((await post({ ...v1, eventType: "tfvc.checkin" })).body.result).toBe("ignored");
    expect(await intake.jobs()).toHaveLength(1);
  });

  it("answers 403 for a repository outside the allowlist and 400 without event type or id", async () => {
    const other = pullRequestEvent({ ...world, project: "Other" }, "created", pr);
    expect((await post(other)).status).toBe(403);
    expect((await post({ ...other, eventType: undefined })).status).toBe(400);
    expect((await post({ ...pullRequestEvent(world, "created", pr), id: undefined })).status).toBe(400);
    expect(await intake.jobs()).toEqual([]);
  });
});
