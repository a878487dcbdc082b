import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/cluster-kit.js";
import { type RunningServe, startServe } from "../support/e2e-serve.js";
import { alertRules, dashboard, dashboardQueries } from "./monitoring-files.js";
import { exportedFamilies, isExported, metricNames, variableQueryMetrics } from "./promql-metric-names.js";
import { promtoolPath, runPromtool } from "./promtool.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ENTRY = fileURLToPath(new URL("../workers/cli-process.ts", import.meta.url));
const HOOKS = new URL("../workers/ts-hooks.mjs", import.meta.url).href;
const GITEA = {
  GITEA_URL: "http://127.0.0.1:1",
  GITEA_TOKEN: "not-used-here",
  GITEA_WEBHOOK_SECRET: "s3cret",
};

interface RunningWorker {
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  exited: Promise<number | null>;
}

/** `zakenak worker` as its own process, on serve's Redis, with its metrics on a free port. */
async function startWorker(redisUrl: string): Promise<RunningWorker> {
  const child = spawn(
    process.execPath,
    ["--experimental-transform-types", "--no-warnings", "--import", HOOKS, ENTRY, "worker"],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        REDIS_URL: redisUrl,
        ZAKENAK_METRICS_PORT: "0",
        ...GITEA,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const lines = () =>
    stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg?: string; port?: number });
  const port = await waitFor("the worker's metrics listener", () => {
    if (child.exitCode !== null) throw new Error(`worker exited early: ${stderr}`);
    return lines().find((l) => l.msg === "zakenak worker metrics listening")?.port;
  });
  await waitFor("the worker's queue workers", () => lines().some((l) => l.msg === "workers started"));
  return { child, url: `http://127.0.0.1:${port}`, exited };
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of an unlabelled sample, e.g. `zakenak_queue_workers 2`. */
function sample(exposition: string, name: string): number | undefined {
  const line = exposition.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe("what the alerts and the dashboard query, against a running serve and worker", () => {
  let serve: RunningServe;
  let worker: RunningWorker;

  beforeAll(async () => {
    serve = await startServe(GITEA);
    worker = await startWorker(serve.redisUrl);
  });

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) worker.child.kill("SIGTERM");
    await worker?.exited;
    await serve?.stop();
  });

  it("is all exported by one of them, histograms' _bucket, _sum and _count included", async () => {
    const families = exportedFamilies(`${await scrape(serve.url)}\n${await scrape(worker.url)}`);
    const wanted = [
      ...alertRules().map((r) => ({ where: `alert ${r.alert}`, names: metricNames(r.expr) })),
      ...dashboardQueries(dashboard()).map((q) => ({
        where: `dashboard ${q.where}`,
        names: q.variable ? variableQueryMetrics(q.expr) : metricNames(q.expr),
      })),
    ];
    const names = new Set(wanted.flatMap((w) => w.names));
    // Enough that a parser finding nothing could not pass.
    expect(names.size).toBeGreaterThanOrEqual(15);
    const missing = wanted.flatMap((w) =>
      w.names.filter((n) => !isExported(n, families)).map((n) => `${w.where}: ${n}`),
    );
    expect(missing).toEqual([]);
  });

  it("names Zakenak's own metrics by Prometheus's conventions (promtool check metrics)", async () => {
    const promtool = await promtoolPath();
    for (const url of [serve.url, worker.url]) {
      const run = await runPromtool(promtool, ["check", "metrics"], ROOT, await scrape(url));
      // prom-client's Node.js metrics have findings of their own (gauges named *_total); ours have none.
      const ours = run.output.split("\n").filter((line) => line.startsWith("zakenak_"));
      expect(ours, url).toEqual([]);
    }
  }, 600_000);

  it("lists metrics whose labels come with events before any event happened", async () => {
    const text = await scrape(worker.url);
    for (const [name, type] of [
      ["zakenak_applies_total", "counter"],
      ["zakenak_rollbacks_total", "counter"],
      ["zakenak_deploy_duration_seconds", "histogram"],
      ["zakenak_environment_lock_age_seconds", "gauge"],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}`);
      expect(text).not.toMatch(new RegExp(`^${name}(_bucket|_count)?\\{`, "m"));
    }
  });

  it("serve counts a bad signature apart, and both see Redis and each other's workers", async () => {
    const res = await fetch(`${serve.url}/api/gitea/webhooks`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json", "x-gitea-signature": "00", "x-gitea-event": "push" },
    });
    expect(res.status).toBe(401);
    const text = await scrape(serve.url);
    expect(text).toContain('zakenak_webhooks_total{host="gitea",event="unknown",result="bad-signature"} 1');
    expect(sample(text, "zakenak_redis_up")).toBe(1);
    expect(sample(await scrape(worker.url), "zakenak_redis_up")).toBe(1);
    // serve runs workers of its own; `zakenak worker` adds its own.
    expect(sample(text, "zakenak_queue_workers")).toBe(2);
    expect(sample(text, "zakenak_queue_depth")).toBe(0);
    expect(sample(text, "zakenak_queue_oldest_waiting_job_age_seconds")).toBe(0);
  });

  it("the worker answers its probes, and serve sees it leave", async () => {
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${worker.url}/readyz`);
    expect(ready.status, await ready.clone().text()).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
    expect((await fetch(`${worker.url}/api/gitea/webhooks`, { method: "POST" })).status).toBe(404);

    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    await waitFor(
      "serve to count one worker",
      async () => sample(await scrape(serve.url), "zakenak_queue_workers") === 1,
    );
  });
});
