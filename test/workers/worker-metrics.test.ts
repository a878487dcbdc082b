import { describe, expect, it } from "vitest";
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
    const text = await metrics.registry.metrics();
    expect(text).toContain('zakenak_jobs_total{type="push",result="completed"} 1');
    expect(text).toContain('zakenak_job_duration_seconds_count{type="push"} 1');
    expect(text).toContain('zakenak_applies_total{environment="dev",result="succeeded"} 1');
    expect(text).toContain('zakenak_rollbacks_total{environment="dev",trigger="automatic"} 1');
    expect(text).toContain('zakenak_deployed_revision{environment="dev"} 7');
  });
});
