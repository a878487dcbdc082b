import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { type ClientRequest, type IncomingMessage, request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type Intake, startIntake } from "./intake-harness.js";

const PATH = "/api/gitlab/webhooks";
const SECRET = `gl-hook-${randomUUID()}`;
const PUSH = readFileSync(new URL("../fixtures/gitlab/push.json", import.meta.url));

const GITLAB = {
  GITLAB_URL: "https://gitlab.example.com",
  GITLAB_TOKEN: `glpat-${randomUUID()}`,
  GITLAB_WEBHOOK_SECRET: SECRET,
  ZAKENAK_REPO_ALLOWLIST: "acme/**",
};

function headers(): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-gitlab-event": "Push Hook",
    "x-gitlab-token": SECRET,
    "x-gitlab-event-uuid": randomUUID(),
  };
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown>;
}

async function post(intake: Intake): Promise<Answer> {
  const res = await fetch(`${intake.url}${PATH}`, { method: "POST", body: PUSH, headers: headers() });
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    body: (await res.json()) as Record<string, unknown>,
  };
}

/**
 * A delivery whose body is held back: it resolves once the server took the request in (Node answers
 * `Expect: 100-continue` right before it hands the request to the app), and its answer comes when
 * `finish()` sends the body.
 */
async function heldDelivery(intake: Intake): Promise<{ finish(): Promise<number>; abort(): void }> {
  const url = new URL(`${intake.url}${PATH}`);
  const req: ClientRequest = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: "POST",
    headers: { ...headers(), "content-length": String(PUSH.length), expect: "100-continue" },
  });
  const answered = new Promise<number>((resolve, reject) => {
    req.on("response", (res: IncomingMessage) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
  });
  answered.catch(() => {});
  await new Promise<void>((resolve, reject) => {
    req.once("continue", resolve);
    req.once("error", reject);
  });
  return {
    finish() {
      req.end(PUSH);
      return answered;
    },
    abort() {
      req.destroy();
    },
  };
}

/** Posts deliveries until one is answered `status`, failing past the deadline; returns those before it. */
async function postUntil(intake: Intake, status: number, timeoutMs = 15_000): Promise<Answer[]> {
  const before: Answer[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await post(intake);
    if (answer.status === status) return before;
    before.push(answer);
    if (Date.now() > deadline)
      throw new Error(`no ${status} within ${timeoutMs} ms: ${JSON.stringify(before.at(-1))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function metricsText(intake: Intake): Promise<string> {
  return (await fetch(`${intake.url}/metrics`)).text();
}

describe("intake load shedding", () => {
  let intake: Intake | undefined;
  afterEach(async () => {
    await intake?.close();
    intake = undefined;
  });

  it("answers 503 with Retry-After at once while the limit of requests is in flight", async () => {
    intake = await startIntake({ ...GITLAB, ZAKENAK_INTAKE_MAX_INFLIGHT: "2" });
    const first = await heldDelivery(intake);
    const second = await heldDelivery(intake);

    const started = Date.now();
    const refused = await post(intake);
    expect(refused).toEqual({
      status: 503,
      retryAfter: "1",
      body: {
        error: "overloaded: 2 requests in flight (ZAKENAK_INTAKE_MAX_INFLIGHT); deliver again later",
        reason: "in-flight",
      },
    });
    // Refused before the body is read or Redis is asked: well under a host's timeout even on a busy machine.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await intake.jobs()).toHaveLength(0);

    // The held deliveries go through, and clients that go away free their places too.
    expect(await first.finish()).toBe(202);
    expect(await second.finish()).toBe(202);
    const gone = [await heldDelivery(intake), await heldDelivery(intake)];
    for (const held of gone) held.abort();
    const meanwhile = await postUntil(intake, 202);
    expect(meanwhile.every((a) => a.status === 503)).toBe(true);
    expect(await intake.jobs()).toHaveLength(3);

    const metrics = await metricsText(intake);
    const shed = 1 + meanwhile.length;
    expect(metrics).toContain(`zakenak_webhooks_shed_total{host="gitlab",reason="in-flight"} ${shed}`);
    expect(metrics).toContain(`zakenak_webhooks_total{host="gitlab",event="unknown",result="shed"} ${shed}`);
    expect(
      intake.logLines().filter((l) => l.msg === "shedding webhook deliveries: intake is at its limit"),
    ).toEqual([expect.objectContaining({ host: "gitlab", reason: "in-flight" })]);
  });

  it("answers 429 with Retry-After once the queue holds the limit of waiting jobs, and accepts again when it drains", async () => {
    intake = await startIntake({ ...GITLAB, ZAKENAK_QUEUE_MAX_WAITING: "3" });
    for (let i = 0; i < 3; i++) expect((await post(intake)).status).toBe(202);

    const refused = await post(intake);
    expect(refused).toEqual({
      status: 429,
      retryAfter: "30",
      body: {
        error: "queue full: 3 jobs waiting, limit 3 (ZAKENAK_QUEUE_MAX_WAITING); deliver again later",
        reason: "queue-full",
      },
    });
    expect(await intake.jobs()).toHaveLength(3);

    // Workers take jobs: once the cached count is read again, deliveries are accepted.
    await intake.queue.drain();
    const meanwhile = await postUntil(intake, 202);
    expect(meanwhile.every((a) => a.status === 429)).toBe(true);
    expect(await metricsText(intake)).toContain(
      `zakenak_webhooks_shed_total{host="gitlab",reason="queue-full"} ${1 + meanwhile.length}`,
    );
  });
});
