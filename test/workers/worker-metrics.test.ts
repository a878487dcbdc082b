import { describe, expect, it } from "vitest";
import { LockHolds } from "../../src/server/lock-holds.js";
import { createMetrics } from "../../src/server/metrics.js";
import { workerMetrics } from "../../src/workers/worker-metrics.js";

describe("workerMetrics", () => {
  it("feeds the workers' hooks into the bot's Prometheus registry", async () => {
    const metrics = createMetrics();
    const hooks = workerMetrics(metrics);
    hooks.jobFinished?.("push", "completed", 0.7);
    hooks.applyFinished?.("dev", "succeeded");
    hooks.rollbackFinished?.("dev", "automatic");
    hooks.deployedRevision?.("dev", 7, "abc");
    hooks.deployTimed?.("dev", 42);
    hooks.applyTimed?.("dev", 12);
    const text = await metrics.registry.metrics();
    expect(text).toContain('zakenak_jobs_total{type="push",result="completed"} 1');
    expect(text).toContain('zakenak_job_duration_seconds_count{type="push"} 1');
    expect(text).toContain('zakenak_applies_total{environment="dev",result="succeeded"} 1');
    expect(text).toContain('zakenak_rollbacks_total{environment="dev",trigger="automatic"} 1');
    expect(text).toContain('zakenak_deployed_revision{environment="dev"} 7');
    expect(text).toContain('zakenak_deploy_duration_seconds_bucket{le="30",environment="dev"} 0');
    expect(text).toContain('zakenak_deploy_duration_seconds_bucket{le="60",environment="dev"} 1');
    expect(text).toContain('zakenak_apply_duration_seconds_sum{environment="dev"} 12');
  });

  it("exports a lock's age while it is held, and its hold time once let go", async () => {
    const metrics = createMetrics();
    const hooks = workerMetrics(metrics);
    const release = hooks.lockTaken?.("prod");
    expect(await metrics.registry.metrics()).toMatch(
      /^zakenak_environment_lock_age_seconds\{environment="prod"\} \d/m,
    );
    release?.();
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^zakenak_environment_lock_age_seconds\{/m);
    expect(text).toContain('zakenak_environment_lock_held_seconds_count{environment="prod"} 1');
  });
});

describe("LockHolds", () => {
  it("reports the oldest hold per environment and forgets holds that ended", () => {
    let now = 1_000_000;
    const clock = () => now;
    const holds = new LockHolds();
    const first = holds.take("prod", clock);
    now += 30_000;
    const second = holds.take("prod", clock);
    holds.take("dev", clock);
    now += 15_000;
    expect(holds.ages(now)).toEqual(
      new Map([
        ["prod", 45],
        ["dev", 15],
      ]),
    );
    expect(first()).toBe(45);
    expect(holds.ages(now).get("prod")).toBe(15);
    expect(second()).toBe(15);
    expect(holds.ages(now).has("prod")).toBe(false);
  });
});
