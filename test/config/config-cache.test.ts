import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configCacheKey, diskConfigCache } from "../../src/config/config-cache.js";
import { CONFIG_FILE, parseConfig } from "../../src/config/load-config.js";
import type { ZakenakConfig } from "../../src/config/schema.js";
import { ParsedConfigs } from "../../src/planning/open-snapshot.js";
import { RULES } from "../../src/validation/rules.js";
import { tempDir } from "../support/repo-fixtures.js";

const RULE_IDS = RULES.map((r) => r.id);
const CONFIG = "environments:\n  - name: dev\nreleases:\n  - name: app\n    chart: charts/app\n";

let scratch: ReturnType<typeof tempDir>;
beforeEach(() => {
  scratch = tempDir("zakenak-config-cache-");
});
afterEach(() => scratch.cleanup());

describe("the parsed-config cache", () => {
  it("keys a config by its text, file and known rules", () => {
    const key = configCacheKey(CONFIG, CONFIG_FILE, RULE_IDS);
    expect(configCacheKey(CONFIG, CONFIG_FILE, RULE_IDS)).toBe(key);
    expect(configCacheKey(`${CONFIG}# more\n`, CONFIG_FILE, RULE_IDS)).not.toBe(key);
    expect(configCacheKey(CONFIG, "other.yaml", RULE_IDS)).not.toBe(key);
    expect(configCacheKey(CONFIG, CONFIG_FILE, RULE_IDS.slice(1))).not.toBe(key);
  });

  it("gives a later run the config an earlier run parsed, without parsing it again", async () => {
    const dir = join(scratch.dir, "configs");
    const first = await new ParsedConfigs(diskConfigCache(dir)).parse(CONFIG);
    expect(first).toEqual(parseConfig(CONFIG, CONFIG_FILE, RULE_IDS));
    const [entry] = readdirSync(dir);
    expect(entry).toBe(`${configCacheKey(CONFIG, CONFIG_FILE, RULE_IDS)}.json`);
    expect(statSync(join(dir, entry as string)).mode & 0o077).toBe(0);
    expect(await new ParsedConfigs(diskConfigCache(dir)).parse(CONFIG)).toEqual(first);

    // What the entry says is what the next run gets: it does not parse the text.
    const planted = { ...first, releases: [] } as ZakenakConfig;
    await diskConfigCache(dir).put(configCacheKey(CONFIG, CONFIG_FILE, RULE_IDS), planted);
    expect(await new ParsedConfigs(diskConfigCache(dir)).parse(CONFIG)).toEqual(planted);
  });

  it("keeps no invalid config: its errors come from parsing it each time", async () => {
    const dir = join(scratch.dir, "configs");
    const invalid = "environments:\n  - name: dev\npolicy:\n  rules:\n    nope: error\n";
    for (let run = 0; run < 2; run++) {
      await expect(new ParsedConfigs(diskConfigCache(dir)).parse(invalid)).rejects.toMatchObject({
        code: "config-invalid",
        message: expect.stringContaining(".zakenak.yaml:5: policy.rules.nope: unknown rule"),
      });
    }
    expect(() => readdirSync(dir)).toThrow();
  });
});
