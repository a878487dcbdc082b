import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_INPUT_LIMITS } from "../../src/config/input-limits.js";
import { parseConfig } from "../../src/config/load-config.js";
import { directorySnapshot } from "../../src/planning/open-snapshot.js";
import { planSnapshots } from "../../src/planning/plan-repository.js";
import { noRenderCache } from "../../src/planning/render/render-cache.js";
import { SINGLE_TENANT } from "../../src/trust/repository-grant.js";
import { trustedPolicy } from "../../src/trust/trusted-policy.js";
import { RULES } from "../../src/validation/rules.js";
import { configMapYaml, tempDir } from "../support/repo-fixtures.js";
import { expectNoSecret, plantSecrets } from "./planted-secrets.js";

const CONFIG = `environments:
  - name: dev
releases:
  - name: app
    namespace: apps
    manifests: manifests
`;

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

function tree(files: Record<string, string | Buffer>): string {
  const d = tempDir("zakenak-scan-tree-");
  dirs.push(d);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(d.dir, path)), { recursive: true });
    writeFileSync(join(d.dir, path), content);
  }
  return d.dir;
}

describe("the secret scan of two extracted archives, as the bot plans a pull request", () => {
  it("scans what changed, by content, with the trusted allowlist rather than the head's", async () => {
    const s = plantSecrets();
    const other = plantSecrets();
    const sameLength = (p: string) => `password: ${p}\n`;
    const base = tree({
      ".zakenak.yaml": CONFIG,
      "manifests/cm.yaml": configMapYaml("settings"),
      "kept/token.yaml": `token: ${other.token}\n`,
      "edited/db.yaml": sameLength(other.password),
    });
    const head = tree({
      // The head asks to skip everything it adds: not its call.
      ".zakenak.yaml": `${CONFIG}policy:\n  secretScan:\n    ignorePaths: ["**"]\n    inlineMarker: true\n`,
      "manifests/cm.yaml": configMapYaml("settings"),
      "kept/token.yaml": `token: ${other.token}\n`,
      // Same size as the base's file, other content: compared by bytes, not by size.
      "edited/db.yaml": sameLength(s.password),
      "added/gh.env": `GH_TOKEN=${s.token}\n`,
      "blob.bin": Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`token: ${s.token}\n`)]),
      "big/dump.yaml": `token: ${s.token}\n${"# padding\n".repeat(500)}`,
    });
    const trusted = trustedPolicy(
      parseConfig(
        CONFIG,
        ".zakenak.yaml",
        RULES.map((r) => r.id),
      ),
      "main",
      SINGLE_TENANT,
    );
    expect(trusted.secretScan).toEqual({ ignorePaths: [], inlineMarker: true });
    const { plan } = await planSnapshots({
      head: await directorySnapshot(head, "b".repeat(40), "head", true),
      base: await directorySnapshot(base, "a".repeat(40), "base", false),
      cache: noRenderCache,
      rules: trusted.rules,
      scanSecrets: true,
      secretScan: trusted.secretScan,
      limits: { ...DEFAULT_INPUT_LIMITS, maxFileBytes: 4096 },
    });
    const findings = plan.environments[0]?.findings.filter((f) => f.rule === "secret-in-change") ?? [];
    expect(findings.map((f) => [f.file, f.line ?? null, f.severity])).toEqual([
      ["big/dump.yaml", null, "warning"],
      ["added/gh.env", 1, "error"],
      ["edited/db.yaml", 1, "error"],
    ]);
    expect(findings[0]?.message).toContain("not scanned for secrets");
    expect(plan.environments[0]?.valid).toBe(false);
    expectNoSecret(JSON.stringify(plan), s, "the plan");
    expectNoSecret(JSON.stringify(plan), other, "the plan");
  });

  it("scans nothing unless asked, as validate and apply plan", async () => {
    const s = plantSecrets();
    const head = tree({
      ".zakenak.yaml": CONFIG,
      "manifests/cm.yaml": configMapYaml("x"),
      "a.env": `TOKEN=${s.token}\n`,
    });
    const { plan } = await planSnapshots({
      head: await directorySnapshot(head, "c".repeat(40), "head", true),
      base: { label: "(nothing)" },
      cache: noRenderCache,
    });
    expect(plan.environments[0]?.findings.filter((f) => f.rule === "secret-in-change")).toEqual([]);
  });
});
