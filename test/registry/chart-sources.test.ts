import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChartResolver } from "../../src/charts/chart-resolver.js";
import { ociChart, repositoryChart } from "../../src/charts/remote-chart.js";
import { botChartSettings, chartSettings } from "../../src/cli/chart-settings.js";
import { parseServerConfig } from "../../src/config/load-server-config.js";
import { type StrictHttpFake, startStrictHttpFake } from "../support/strict-http-fake.js";

// A host a pull request names that the operator did not list: no request may reach it.
let elsewhere: StrictHttpFake;

beforeAll(async () => {
  elsewhere = await startStrictHttpFake();
});
afterAll(async () => {
  await elsewhere?.close();
});

describe("the bot's chart sources", () => {
  it("refuses a chart from a host outside chartSources and registries, before any request", async () => {
    const server = parseServerConfig(
      'chartSources: ["charts.example.com"]\nregistries:\n  - host: "registry.example.com:5000"\n',
      "server.yaml",
    );
    const settings = await botChartSettings(
      { ZAKENAK_CACHE_DIR: mkdtempSync(join(tmpdir(), "zk-src-")) },
      server,
    );
    expect(settings.allowedHosts).toEqual(["charts.example.com", "registry.example.com:5000"]);
    const resolver = createChartResolver(settings);
    const host = new URL(elsewhere.url).host;
    await expect(
      resolver.resolve(repositoryChart(`${elsewhere.url}/charts`, "demo", "1.0.0")),
    ).rejects.toThrow(
      `demo 1.0.0 from ${elsewhere.url}/charts: host ${host} is not an allowed chart source (add it to chartSources or registries in the server configuration)`,
    );
    await expect(resolver.resolve(ociChart(`oci://${host}/charts/demo`, "1.0.0"))).rejects.toThrow(
      /is not an allowed chart source/,
    );
    expect(elsewhere.requests).toEqual([]);
    elsewhere.verify();
  });

  it("allows the bot no host when the operator lists none, and the CLI any", async () => {
    const env = { ZAKENAK_CACHE_DIR: mkdtempSync(join(tmpdir(), "zk-src-")) };
    const bot = await botChartSettings(env, parseServerConfig("repositories: []\n", "server.yaml"));
    expect(bot.allowedHosts).toEqual([]);
    await expect(
      createChartResolver(bot).resolve(ociChart(`oci://${new URL(elsewhere.url).host}/c/demo`, "1.0.0")),
    ).rejects.toThrow(/is not an allowed chart source/);
    expect((await chartSettings(env)).allowedHosts).toBeUndefined();
    elsewhere.verify();
  });
});
