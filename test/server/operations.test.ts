import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { type ReadinessProbe, readinessProbe } from "../../src/server/readiness.js";
import { type Intake, startIntake, TEST_REDIS_URL } from "./intake-harness.js";

const GITLAB = {
  GITLAB_URL: "https://gitlab.example.com",
  GITLAB_TOKEN: "glpat-operations",
  GITLAB_WEBHOOK_SECRET: "operations-secret",
};

describe("operations endpoints", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function intakeWith(readiness?: (connection: Redis) => ReadinessProbe): Promise<Intake> {
    const intake = await startIntake(
      GITLAB,
      readiness
        ? {
            readiness: (connection) => {
              const probe = readiness(connection);
              cleanup.push(() => probe.close());
              return probe.check;
            },
          }
        : {},
    );
    cleanup.push(() => intake.close());
    return intake;
  }

  it("answers /healthz while the process runs", async () => {
    const intake = await intakeWith();
    const res = await fetch(`${intake.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("answers /readyz 200 when Redis answers PING", async () => {
    const intake = await intakeWith();
    const res = await fetch(`${intake.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready" });
  });

  it("answers /readyz 503 naming Redis when it does not answer", async () => {
    const dead = new Redis("redis://127.0.0.1:1", { enableOfflineQueue: false, retryStrategy: () => 1000 });
    cleanup.push(() => dead.disconnect());
    const intake = await intakeWith(() => readinessProbe({ redis: dead, timeoutMs: 1000 }));
    const res = await fetch(`${intake.url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; failed: { check: string; error: string }[] };
    expect(body.status).toBe("not ready");
    expect(body.failed).toHaveLength(1);
    expect(body.failed[0]?.check).toBe("redis");
    expect(body.failed[0]?.error).toMatch(/not connected/);
  });

  it("checks the cluster's /readyz where a kubeconfig is configured", async () => {
    const kubeconfig = inject("kubeconfigPath");
    const intake = await intakeWith((redis) => readinessProbe({ redis, kubeconfig }));
    const ok = await fetch(`${intake.url}/readyz`);
    expect(ok.status).toBe(200);

    const dir = mkdtempSync(join(tmpdir(), "zakenak-readyz-"));
    const unreachable = join(dir, "kubeconfig");
    writeFileSync(
      unreachable,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: gone, cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}}]",
        "users: [{name: u, user: {token: not-a-real-token}}]",
        "contexts: [{name: gone, context: {cluster: gone, user: u}}]",
        "current-context: gone",
      ].join("\n"),
    );
    const redis = new Redis(TEST_REDIS_URL);
    cleanup.push(() => redis.quit().then(() => undefined));
    const probe = readinessProbe({ redis, kubeconfig: unreachable, timeoutMs: 2000 });
    cleanup.push(() => probe.close());
    const failed = await probe.check();
    expect(failed).toHaveLength(1);
    expect(failed[0]?.check).toBe("cluster");
    expect(failed[0]?.error).not.toContain("not-a-real-token");
  });

  it("exposes the webhook counter and queue depth on /metrics", async () => {
    const intake = await intakeWith();
    const headers = {
      "content-type": "application/json",
      "x-gitlab-event": "Push Hook",
      "x-gitlab-token": "wrong",
      "x-gitlab-event-uuid": "e1",
    };
    await intake.post("/api/gitlab/webhooks", "{}", headers);
    await intake.post("/api/gitlab/webhooks", "{}", headers);
    await intake.queue.add("pr-opened", { id: "x" });
    const res = await fetch(`${intake.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('zakenak_webhooks_total{host="gitlab",event="unknown",result="bad-signature"} 2');
    expect(text).toContain("zakenak_queue_depth 1");
    for (const name of [
      "zakenak_jobs_total",
      "zakenak_job_duration_seconds",
      "zakenak_applies_total",
      "zakenak_rollbacks_total",
      "zakenak_deployed_revision",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it("answers 404 to unknown routes and to hosts that are not configured", async () => {
    const intake = await intakeWith();
    const unknown = await fetch(`${intake.url}/api/nowhere`, { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "unknown route: POST /api/nowhere" });
    const github = await fetch(`${intake.url}/api/github/webhooks`, { method: "POST", body: "{}" });
    expect(github.status).toBe(404);
    expect(await github.json()).toEqual({
      error:
        "github webhooks are not enabled: set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET",
    });
    expect((await fetch(`${intake.url}/api/gitlab/webhooks`)).status).toBe(404);
  });
});
