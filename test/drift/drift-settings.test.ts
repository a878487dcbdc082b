import { describe, expect, it } from "vitest";
import { parseServerConfig } from "../../src/config/load-server-config.js";
import { DEFAULT_DRIFT_INTERVAL_MS, driftSettings } from "../../src/drift/drift-settings.js";
import { nextCheckDelayMs } from "../../src/drift/next-check.js";
import { changedFields } from "../../src/planning/changed-fields.js";
import { rejectionOf } from "../support/cluster-kit.js";

describe("drift settings from the server configuration", () => {
  const server = parseServerConfig(
    `repositories:
  - match: acme/*
    environments:
      dev: { drift: { interval: 30s } }
      prod: { drift: { heal: true } }
      lab: { drift: { interval: "off" } }
drift: { interval: 10m }
`,
    "server.yaml",
  );

  it("takes the environment's keys over the top level's, over the defaults", () => {
    expect(driftSettings(server, "acme/shop", "dev")).toEqual({ intervalMs: 30_000, heal: false });
    expect(driftSettings(server, "acme/shop", "prod")).toEqual({ intervalMs: 600_000, heal: true });
    expect(driftSettings(server, "acme/shop", "lab")).toEqual({ intervalMs: undefined, heal: false });
    expect(driftSettings(server, "other/repo", "dev")).toEqual({ intervalMs: 600_000, heal: false });
    expect(driftSettings(undefined, "acme/shop", "dev")).toEqual({
      intervalMs: DEFAULT_DRIFT_INTERVAL_MS,
      heal: false,
    });
  });

  it("refuses a bad duration, naming the key and the line", async () => {
    const err = await rejectionOf(
      (async () => parseServerConfig("drift:\n  interval: 5 minutes\n", "server.yaml"))(),
    );
    expect(err.message).toContain("server.yaml:2: drift.interval");
    expect(err.message).toContain('"30s", "5m" or "1h"');
  });

  it("refuses polling for a glob, which names no repository to poll", async () => {
    const err = await rejectionOf(
      (async () =>
        parseServerConfig("repositories:\n  - match: acme/*\n    poll: { interval: 1m }\n", "server.yaml"))(),
    );
    expect(err.message).toContain(
      'repositories[0].poll: polling needs repository names in match, not the glob "acme/*"',
    );
  });
});

describe("the next drift check", () => {
  it("is one interval on, and backs off exponentially with jitter while the cluster is unreachable", () => {
    expect(nextCheckDelayMs(1_000, 0)).toBe(1_000);
    expect(nextCheckDelayMs(1_000, 1, () => 0)).toBe(2_000);
    expect(nextCheckDelayMs(1_000, 1, () => 1)).toBe(2_500);
    expect(nextCheckDelayMs(1_000, 3, () => 0)).toBe(8_000);
    // Capped at an hour, or the interval when that is longer.
    expect(nextCheckDelayMs(300_000, 10, () => 0)).toBe(3_600_000);
    expect(nextCheckDelayMs(2 * 3_600_000, 4, () => 0)).toBe(2 * 3_600_000);
  });
});

describe("changed fields", () => {
  it("names the deepest paths that differ, keys only", () => {
    const before = {
      metadata: { labels: { "app.kubernetes.io/name": "web" } },
      spec: { replicas: 3, template: { spec: { containers: [{ name: "web", image: "nginx:1.27" }] } } },
      data: { password: "s3cret-value" },
    };
    const after = {
      metadata: { labels: { "app.kubernetes.io/name": "api" } },
      spec: { replicas: 1, template: { spec: { containers: [{ name: "web", image: "nginx:1.28" }] } } },
      data: { password: "other-value", added: "x" },
    };
    const fields = changedFields(before, after);
    expect(fields).toEqual([
      "data.added",
      "data.password",
      'metadata.labels."app.kubernetes.io/name"',
      "spec.replicas",
      "spec.template.spec.containers[0].image",
    ]);
    expect(fields.join(" ")).not.toContain("s3cret");
    expect(changedFields({ a: [1, 2] }, { a: [1] })).toEqual(["a"]);
    expect(changedFields({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
